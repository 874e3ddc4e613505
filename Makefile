# The two commands the README gives. Each builds .venv first if it is missing or stale.
.PHONY: compare test install clean

.venv/.installed: pyproject.toml scripts/install.sh
	bash scripts/install.sh

install: .venv/.installed

# The main job: siloed vs integrated on built-in defaults, ending in an HTML report.
compare: .venv/.installed
	.venv/bin/carepath compare siloed integrated --report out/report.html

test: .venv/.installed
	bash scripts/test.sh

clean:
	rm -rf .venv out
