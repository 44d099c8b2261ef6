# 两条命令完成全部准备：make reports 生成报告，make test 运行测试。
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV)/bin)
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)

.PHONY: reports test lab lint install clean

reports: $(STAMP)
	xxgk build

test: $(STAMP)
	python -m pytest

lab: $(STAMP)
	jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR)

lint: $(STAMP)
	ruff check src tests

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) outputs/[0-9]* outputs/index.html
