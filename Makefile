# crm-reports. `make report CITY=jaktim MONTH=2022-06` works on a fresh clone:
# it installs what is missing, then builds the report.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CITY ?= jaktim
MONTH ?= 2022-06
DATA ?=
COORD ?=
PARAMS ?=
STAMP := $(VENV)/.installed

# Quoted, so paths with spaces reach the command whole.
BUILD_ARGS := --city "$(CITY)" --month "$(MONTH)" $(if $(DATA),--data "$(DATA)") \
	$(if $(COORD),--coordinations "$(COORD)") $(if $(PARAMS),--params "$(PARAMS)")

.PHONY: setup report reports province anomalies backlog verify verify-all test test-fast lab bench bench-load bench-anomalies sample clean clean-cache

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps.sh
	sh scripts/system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m ipykernel install --sys-prefix --name crm-reports --display-name "crm-reports (Python)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(PY) -m crmlib build $(BUILD_ARGS)

# Every city of MONTH, or every month of YEAR the export holds; CITIES=jaktim,jakpus narrows it.
reports: $(STAMP)
	$(PY) -m crmlib build-all $(if $(YEAR),--year "$(YEAR)",--month "$(MONTH)") $(if $(CITIES),--cities "$(CITIES)") \
		$(if $(DATA),--data "$(DATA)") $(if $(COORD),--coordinations "$(COORD)") $(if $(PARAMS),--params "$(PARAMS)")

verify-all: $(STAMP)
	$(PY) -m crmlib verify-all

# DKI Jakarta's six cities side by side for MONTH (outputs/dki/MONTH); `make verify CITY=dki MONTH=…` audits it.
province: $(STAMP)
	$(PY) -m crmlib province --month "$(MONTH)" $(if $(DATA),--data "$(DATA)") $(if $(COORD),--coordinations "$(COORD)") \
		$(if $(PARAMS),--params "$(PARAMS)")

anomalies: $(STAMP)
	$(PY) -m crmlib anomalies $(BUILD_ARGS) $(if $(CSV),--csv "$(CSV)")

# CITY's complaints still open at the export's latest time (or AT="YYYY-MM-DD HH:MM", Jakarta time): a recap to
# paste into the chat group on stdout, every row in outputs/CITY/backlog/backlog-YYYYMMDD-HHMM.csv and .xlsx.
backlog: $(STAMP)
	$(PY) -m crmlib backlog --city "$(CITY)" $(if $(AT),--at "$(AT)") $(if $(DATA),--data "$(DATA)") \
		$(if $(COORD),--coordinations "$(COORD)") $(if $(PARAMS),--params "$(PARAMS)")

verify: $(STAMP)
	$(PY) -m crmlib verify --city "$(CITY)" --month "$(MONTH)"

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not e2e"

lab: $(STAMP)
	$(PY) -m pip install --quiet -e ".[lab]"
	CRM_OUTPUTS=$(CURDIR)/outputs $(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) scripts/bench.py --city $(CITY) --month $(MONTH)

bench-load: $(STAMP)
	$(PY) scripts/bench_load.py

bench-anomalies: $(STAMP)
	$(PY) scripts/bench_anomalies.py --seeds 3

sample: $(STAMP)
	$(PY) -m crmlib sample

clean:
	rm -rf outputs/*/ outputs/.cache

# The cache alone: the reports stay. Not while a build runs, which may be reading it.
clean-cache:
	rm -rf outputs/.cache
