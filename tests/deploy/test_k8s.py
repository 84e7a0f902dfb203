"""Kubernetes manifests: parse, validate offline, and hang together.

Built-in kinds are validated with `kubernetes-validate`, which bundles the JSON schemas
generated from the Kubernetes OpenAPI for each release (strict: unknown fields fail).
The CRDs (KEDA ScaledObject/TriggerAuthentication, Prometheus Operator PodMonitor) are
not in those schemas: they are checked against the subset schemas below, written from
the CRDs' documented fields, plus cross-references (selectors, ports, names).
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.deploy._paths import K8S_DIR

K8S_VERSION = "1.31"

_STR = {"type": "string"}
_META = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": _STR, "labels": {"type": "object"}},
}
CRD_SCHEMAS: dict[tuple[str, str], dict] = {
    ("keda.sh/v1alpha1", "ScaledObject"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["scaleTargetRef", "triggers"],
                "additionalProperties": False,
                "properties": {
                    "scaleTargetRef": {
                        "type": "object",
                        "required": ["name"],
                        "additionalProperties": False,
                        "properties": {"apiVersion": _STR, "kind": _STR, "name": _STR},
                    },
                    "minReplicaCount": {"type": "integer", "minimum": 0},
                    "maxReplicaCount": {"type": "integer", "minimum": 1},
                    "pollingInterval": {"type": "integer"},
                    "cooldownPeriod": {"type": "integer"},
                    "idleReplicaCount": {"type": "integer"},
                    "advanced": {"type": "object"},
                    "fallback": {"type": "object"},
                    "triggers": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["type", "metadata"],
                            "additionalProperties": False,
                            "properties": {
                                "type": _STR,
                                "name": _STR,
                                "metricType": {"enum": ["AverageValue", "Value", "Utilization"]},
                                "metadata": {
                                    "type": "object",
                                    "additionalProperties": _STR,
                                },
                                "authenticationRef": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {"name": _STR, "kind": _STR},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    ("keda.sh/v1alpha1", "TriggerAuthentication"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _META,
            "spec": {
                "type": "object",
                "properties": {
                    "secretTargetRef": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["parameter", "name", "key"],
                            "additionalProperties": False,
                            "properties": {"parameter": _STR, "name": _STR, "key": _STR},
                        },
                    }
                },
            },
        },
    },
    ("monitoring.coreos.com/v1", "PodMonitor"): {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "metadata": _META,
            "spec": {
                "type": "object",
                "required": ["selector", "podMetricsEndpoints"],
                "properties": {
                    "jobLabel": _STR,
                    "selector": {
                        "type": "object",
                        "properties": {"matchLabels": {"type": "object"}},
                    },
                    "podMetricsEndpoints": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "properties": {
                                "port": _STR,
                                "path": _STR,
                                "interval": {"type": "string", "pattern": r"^\d+[smh]$"},
                                "relabelings": {"type": "array"},
                            },
                        },
                    },
                },
            },
        },
    },
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): {
        "type": "object",
        "required": ["resources"],
        "properties": {"resources": {"type": "array", "items": _STR}},
    },
}


def _docs() -> list[tuple[Path, dict]]:
    out = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                out.append((path, doc))
    return out


DOCS = _docs()


def _find(kind: str, name: str | None = None) -> dict:
    for _, doc in DOCS:
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name):
            return doc
    raise AssertionError(f"no {kind} {name or ''} in deploy/k8s")


@pytest.mark.parametrize("path,doc", DOCS, ids=[f"{p.name}:{d['kind']}" for p, d in DOCS])
def test_manifest_is_valid(path: Path, doc: dict) -> None:
    try:
        import kubernetes_validate
    except ImportError as exc:  # pragma: no cover - environment problem
        raise AssertionError(
            "kubernetes-validate is not installed: run scripts/install-test-tools.sh "
            "(or pip install kubernetes-validate)"
        ) from exc
    key = (doc["apiVersion"], doc["kind"])
    if key in CRD_SCHEMAS:
        jsonschema.Draft7Validator(CRD_SCHEMAS[key]).validate(doc)
        return
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_all_resources_listed_in_kustomization() -> None:
    kust = _find("Kustomization")
    listed = set(kust["resources"])
    files = {p.name for p in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    # Example secrets are deliberately not applied.
    assert listed == files - {"secret.example.yaml"}


def test_deployment_probes_resources_security() -> None:
    dep = _find("Deployment", "syndic-worker")
    pod = dep["spec"]["template"]
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    spec = pod["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    (container,) = spec["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 6066}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ports
    assert container["resources"]["requests"]["cpu"]
    assert container["resources"]["requests"]["memory"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert ":" in container["image"] and not container["image"].endswith(":latest")
    cm = _find("ConfigMap", container["envFrom"][0]["configMapRef"]["name"])
    assert cm["data"]["SYNDIC_WEB_BIND"] == "0.0.0.0"
    assert int(cm["data"]["SYNDIC_WEB_PORT"]) == ports["http"]
    # SASL password comes from a Secret mounted as a file, never from the ConfigMap.
    assert not any("PASSWORD" in k and "FILE" not in k for k in cm["data"])
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    sasl = [n for n, v in volumes.items() if v.get("secret", {}).get("secretName") == "syndic-sasl"]
    assert sasl, "no volume from the syndic-sasl Secret"
    assert cm["data"]["SYNDIC_SASL_PASSWORD_FILE"].startswith(mounts[sasl[0]] + "/")
    assert cm["data"]["SYNDIC_SSL_CAFILE"].startswith(mounts["kafka-ca"] + "/")
    for name in mounts:
        assert name in volumes


def test_selectors_match_pod_labels() -> None:
    labels = _find("Deployment", "syndic-worker")["spec"]["template"]["metadata"]["labels"]
    svc = _find("Service", "syndic-worker")
    assert svc["spec"]["selector"].items() <= labels.items()
    assert svc["spec"]["ports"][0]["targetPort"] == "http"
    pdb = _find("PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pm = _find("PodMonitor")
    assert pm["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pm["spec"]["podMetricsEndpoints"][0]["port"] == "http"
    assert pm["spec"]["podMetricsEndpoints"][0]["path"] == "/metrics"


def test_keda_scales_the_deployment_on_raw_lag() -> None:
    so = _find("ScaledObject")
    assert so["spec"]["scaleTargetRef"]["name"] == "syndic-worker"
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == "syndic"
    assert trigger["metadata"]["topic"] == "articles.raw"
    cm = _find("ConfigMap", "syndic-config")
    assert so["spec"]["maxReplicaCount"] <= int(cm["data"]["SYNDIC_RAW_PARTITIONS"])
    assert so["spec"]["minReplicaCount"] >= 2
    _find("TriggerAuthentication", trigger["authenticationRef"]["name"])


def test_validator_rejects_a_bad_manifest() -> None:
    import kubernetes_validate

    dep = yaml.safe_load((K8S_DIR / "deployment.yaml").read_text())
    dep["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(dep, K8S_VERSION, strict=True)
    so = _find("ScaledObject")
    bad = {**so, "spec": {**so["spec"], "triggers": [{"type": "kafka"}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(CRD_SCHEMAS[("keda.sh/v1alpha1", "ScaledObject")]).validate(bad)
