#!/usr/bin/env bash
# Installs the tools the deploy tests need (promtool and prometheus from Debian's
# `prometheus` package). Idempotent: does nothing when promtool is already on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# Offline Kubernetes schema validator for tests/deploy/test_k8s.py (bundles the
# schemas generated from the Kubernetes OpenAPI). Prefer listing it in the dev extras.
PYTHON="${PYTHON:-.venv/bin/python}"
if [ -x "$PYTHON" ] && ! "$PYTHON" -c "import kubernetes_validate" >/dev/null 2>&1; then
  "$PYTHON" -m pip install -q "kubernetes-validate>=1.31"
fi

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
# Debian's package starts a service where an init system runs; tests start their own.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
command -v promtool >/dev/null
command -v prometheus >/dev/null
