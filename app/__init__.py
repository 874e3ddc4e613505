"""The workshop app: siloed and integrated worlds side by side in the browser (docs/app.md)."""
