"""The package is complete: a wheel built from the project holds its templates and serves."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVE_ONE_PAGE = """
import json, sys
import app as package
from app import create_app
from app.extensions import db

site = sys.argv[1]
application = create_app({
    "TESTING": True,
    "SECRET_KEY": "wheel-test",
    "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2],
    "RATELIMIT_ENABLED": False,
})
with application.app_context():
    db.create_all()
response = application.test_client().get("/")
print(json.dumps({
    "package": package.__file__,
    "templates": application.jinja_loader.searchpath,
    "status": response.status_code,
    "body": response.get_data(as_text=True),
}))
"""


def test_wheel_contains_templates_and_serves_a_page(tmp_path):
    """`pip wheel .` holds app/templates; an app imported from that wheel serves the home page."""
    wheels, site, source = tmp_path / "wheels", tmp_path / "site", tmp_path / "source"
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources, and CI runs
    # the suite on two engines at once from one checkout.
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("lianxi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "app/templates/base.html" in names
    assert "app/templates/voting/ballot.html" in names
    assert "app/static/css/lianxi.css" in names

    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", SERVE_ONE_PAGE, str(site), str(tmp_path / "wheel.sqlite3")],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    served = json.loads(out.stdout.strip().splitlines()[-1])
    assert served["package"].startswith(str(site)), "the app must come from the wheel"
    assert all(path.startswith(str(site)) for path in served["templates"])
    assert served["status"] == 200
    assert "联席" in served["body"]
