# 两条命令完成全部准备：make reports 生成报告，make test 运行测试。
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV)/bin)
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)

.PHONY: reports test test-fast lab lint install clean

reports: $(STAMP)
	xxgk build

test: $(STAMP)
	python -m pytest

# Quick feedback: everything but the tests marked slow (real kernels, browsers, LibreOffice).
test-fast: $(STAMP)
	python -m pytest -m "not slow"

lab: $(STAMP)
	xxgk lab --no-browser

lint: $(STAMP)
	ruff check src tests benchmarks
	mypy
	lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	# axe-core (npm) for the browser tests' accessibility checks; skipped where there is no npm.
	if command -v npm > /dev/null; then npm ci --no-audit --no-fund --loglevel=error; fi
	touch $(STAMP)

clean:
	rm -rf $(VENV) node_modules test-artifacts outputs/[0-9]* outputs/index.html outputs/manifest.json outputs/.cache
