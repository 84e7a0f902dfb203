"""docker-compose.yml: Compose Specification schema, pinned images, startup order."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from tests.deploy._paths import COMPOSE_FILE, COMPOSE_SCHEMA, REPO


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_validates_against_compose_spec(compose: dict) -> None:
    assert COMPOSE_SCHEMA.is_file(), f"compose schema missing at {COMPOSE_SCHEMA}"
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_image_is_pinned(compose: dict) -> None:
    pinned = re.compile(r"^[\w./-]+(:[\w][\w.-]*)?(@sha256:[0-9a-f]{64})?$")
    for name, svc in compose["services"].items():
        image = svc.get("image")
        assert image, f"service {name} has no image"
        assert pinned.match(image), f"{name}: odd image reference {image!r}"
        name_tag = image.split("@", 1)[0]
        tag = name_tag.rpartition(":")[2] if ":" in name_tag else ""
        assert tag or "@sha256:" in image, f"{name}: image {image!r} is not pinned"
        assert tag != "latest", f"{name}: image {image!r} uses :latest"
        if name not in ("topics",) and not name.startswith("worker"):
            # third-party images carry a version number in the tag
            assert re.search(r"\d+\.\d+", tag), f"{name}: tag {tag!r} is not a version"


def test_expected_services_and_images(compose: dict) -> None:
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["prometheus"]["image"].startswith("prom/prometheus:v")
    assert services["grafana"]["image"].startswith("grafana/grafana:")
    workers = [n for n in services if n.startswith("worker")]
    assert len(workers) == 2
    assert services["topics"]["command"] == ["topics", "create"]
    for name in (*workers, "topics"):
        assert services[name]["build"]["context"] == "."
        env = services[name]["environment"]
        assert env["SYNDIC_BROKER"] == "kafka:9092"
        assert env["SYNDIC_WEB_BIND"] == "0.0.0.0"


def test_healthchecks_and_depends_on_conditions(compose: dict) -> None:
    services = compose["services"]
    for name in ("kafka", "worker-1", "worker-2", "prometheus"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name}: no healthcheck"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    for name in ("worker-1", "worker-2"):
        deps = services[name]["depends_on"]
        assert deps["kafka"]["condition"] == "service_healthy"
        assert deps["topics"]["condition"] == "service_completed_successfully"
    for dep in services["prometheus"]["depends_on"].values():
        assert dep["condition"] == "service_healthy"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"


def test_bind_mounts_exist(compose: dict) -> None:
    for name, svc in compose["services"].items():
        for vol in svc.get("volumes", []):
            src = vol.split(":", 1)[0]
            if src.startswith("./"):
                assert (REPO / src).exists(), f"{name}: mounted path {src} does not exist"


def test_dockerfile_basics() -> None:
    text = (REPO / "Dockerfile").read_text()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert len(froms) >= 2, "Dockerfile is not multi-stage"
    for image in froms:
        assert re.match(r"python:3\.11\.\d+-slim", image), f"unpinned base image {image}"
    assert re.search(r"^USER\s+(?!root|0\b)\S+", text, re.M), "no non-root USER"
    assert re.search(r"^HEALTHCHECK .*", text, re.M) and "/healthz" in text
    assert re.search(r"^EXPOSE\s+6066", text, re.M)
    assert "SYNDIC_SCHEMAS_DIR=/app/schemas" in text
    ignore = (REPO / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "tests"):
        assert entry in ignore


def _dockerignored(rel: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore matching, for the simple patterns used here."""
    import fnmatch

    ignored = False
    for pat in patterns:
        negate = pat.startswith("!")
        pat = pat.lstrip("!").strip("/")
        parts = rel.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if pat.startswith("**/"):
            hit = any(fnmatch.fnmatch(p, pat[3:]) for p in parts)
        else:
            hit = any(fnmatch.fnmatch(p, pat) for p in prefixes)
        if hit:
            ignored = not negate
    return ignored


def test_docker_build_context_has_what_the_dockerfile_copies() -> None:
    text = (REPO / "Dockerfile").read_text()
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = []
    for line in re.findall(r"^COPY\s+(?!--from)(.+)$", text, re.M):
        args = [a for a in line.split() if not a.startswith("--")]
        sources += args[:-1]
    assert {"pyproject.toml", "services", "schemas"} <= set(sources)
    for src in sources:
        assert (REPO / src).exists(), f"Dockerfile copies missing {src}"
        assert not _dockerignored(src, patterns), f".dockerignore excludes {src}"
    # the package sources go in; caches, venv, tests, local data stay out
    assert not _dockerignored("services/syndic/cli.py", patterns)
    for rel in (
        ".venv/bin/python",
        "services/syndic/__pycache__/x.pyc",
        "tests/conftest.py",
        "syndic-data/x",
        ".git/HEAD",
    ):
        assert _dockerignored(rel, patterns), f"{rel} would be sent to the Docker daemon"
