#!/usr/bin/env bash
# Installs every front-end file the workshop app needs into the project's environment, so
# Solara serves them itself and the browser never reaches for a CDN (workshops run offline).
#
# How Solara finds them (solara/server/cdn_helper.py, solara/server/settings.py): a page asks
# for /_solara/cdn/<package>@<version>/<file>; the server looks for
# <sys.prefix>/share/solara/cdn/<package>@<version>/<file> and only when it is missing
# fetches it from cdn.jsdelivr.net. So the folder must hold each npm package, unpacked, under
# its exact "<name>@<version>" (scoped names keep their "@scope/" folder), and the short
# names some widgets use (vega@5, vega-lite@5, vega-embed@6) must point at a full version.
#
# Called by scripts/install.sh after `pip install -e .[test]`. Idempotent; silent on success;
# on failure it says what failed and exits non-zero. Override the environment with
# CAREPATH_VENV=/path/to/venv.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${CAREPATH_VENV:-.venv}
PY="$VENV/bin/python"
fail() { echo "install_offline_assets: $*" >&2; exit 1; }
[ -x "$PY" ] || fail "no Python environment at $VENV (run scripts/install.sh)"

# npm packages Solara's page template and widgets ask for that solara-assets lacks.
NPM_PACKAGES=("@widgetti/solara-vuetify3-app@5.2.0" "katex@0.16.9")
# short names used by solara/widgets/vue/vegalite.vue -> the versioned folder they stand for
SHORT_NAMES=("vega@5" "vega-lite@5" "vega-embed@6")

LOG=$(mktemp)
WORK=$(mktemp -d)
trap 'rm -rf "$LOG" "$WORK"' EXIT
run_quietly() {  # run a command; show its output only when it fails
    "$@" >"$LOG" 2>&1 || { grep -v "is ignored: it is neither" "$LOG" >&2; fail "failed: $*"; }
}

# 1. The bulk of Solara's assets, packaged on PyPI (its own dependencies are already here).
if ! "$PY" -m pip show --quiet solara-assets >/dev/null 2>&1; then
    run_quietly "$PY" -m pip install --no-deps solara-assets
fi

# The folder Solara's server reads, asked of Solara itself rather than guessed.
CDN=$("$PY" -c 'import solara.server.settings as s; print(s.assets.proxy_cache_dir)' 2>"$LOG") \
    || { cat "$LOG" >&2; fail "could not import solara from $VENV"; }
[ -d "$CDN" ] || fail "solara-assets installed but $CDN is missing"

# 2. npm packages newer than solara-assets' snapshot, unpacked as <name>@<version>.
for spec in "${NPM_PACKAGES[@]}"; do
    target="$CDN/$spec"
    [ -f "$target/package.json" ] && continue
    command -v npm >/dev/null 2>&1 || fail "npm is needed to fetch $spec"
    rm -rf "$WORK"/* "$target"
    (cd "$WORK" && run_quietly npm pack --silent "$spec")
    tarball=$(ls "$WORK"/*.tgz 2>/dev/null | head -n 1)
    [ -n "$tarball" ] || fail "npm pack $spec produced no tarball"
    tar -xzf "$tarball" -C "$WORK" || fail "could not unpack $tarball"
    mkdir -p "$(dirname "$target")"
    mv "$WORK/package" "$target"
done

# 3. Short names -> the newest full version present (a relative link, so the venv can move).
for short in "${SHORT_NAMES[@]}"; do
    name=${short%@*}
    major=${short##*@}
    twin=$(cd "$CDN" && ls -d "$name@$major".* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$twin" ] || fail "no $name@$major.x folder in $CDN to link $short to"
    if [ "$(readlink "$CDN/$short" 2>/dev/null)" != "$twin" ]; then
        rm -rf "${CDN:?}/$short"
        ln -s "$twin" "$CDN/$short"
    fi
done

# 4. Check: every exact-version CDN path the installed Solara's templates and widgets name
#    must now be present, so a Solara upgrade that moves a version fails here, not in a
#    workshop with no internet.
"$PY" - "$CDN" <<'PY' || fail "some assets Solara asks for are not installed (listed above)"
import pathlib, re, sys
import solara, solara.server.settings as settings

cdn = pathlib.Path(sys.argv[1])
root = pathlib.Path(solara.__file__).parent
# "{{cdn}}/pkg@1.2.3/", "getCdn()}/@scope/pkg@1.2.3/"; ${...} versions are chosen at run
# time and cannot be checked here.
pattern = re.compile(r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.-]+)/")
wanted = {settings.assets.fontawesome_path.strip("/").split("/")[0]}
for path in root.rglob("*"):
    if "website" in path.parts or path.suffix not in {".j2", ".html", ".py", ".vue", ".js"}:
        continue
    wanted.update(pattern.findall(path.read_text(errors="ignore")))
missing = sorted(p for p in wanted if not (cdn / p / "package.json").is_file())
for p in missing:
    print(f"  missing: {cdn / p}", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
