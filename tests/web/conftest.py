"""Fixtures for the workbench tests: a copy of the examples to serve, the API client, and a
real server with a headless Chromium (Debian's chromium and chromium-driver) driven by
Selenium. Browser tests skip, saying why, when Chromium, ChromeDriver or Selenium is
missing; .ci/run installs them."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the workbench needs the 'web' extra (fastapi)")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
TOKEN = "test-token-0123456789"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A served folder: a copy of the examples (the Istanbul models with their source text,
    a hypergame, a hierarchical model, a bargaining model)."""
    served = tmp_path / "models"
    served.mkdir()
    for name in ("elmira.yaml", "prisoners_dilemma.yaml", "chicken.yaml",
                 "hypergame_surprise.yaml"):
        shutil.copy(EXAMPLES / name, served / name)
    shutil.copytree(EXAMPLES / "istanbul-2025", served / "istanbul-2025")
    shutil.copytree(EXAMPLES / "hierarchy", served / "hierarchy")
    (served / "bargaining").mkdir()
    shutil.copy(EXAMPLES / "bargaining" / "ec_emissions.yaml", served / "bargaining")
    return served


@pytest.fixture
def client(folder: Path):
    from fastapi.testclient import TestClient

    from standoff.web.app import create_app

    app = create_app(folder, token=TOKEN)
    with TestClient(app, base_url="http://127.0.0.1",
                    headers={"X-Standoff-Token": TOKEN}) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(folder: Path):
    """A real workbench server on a free loopback port, in a thread: ``(url, folder)``."""
    uvicorn = pytest.importorskip("uvicorn")
    from standoff.web.app import create_app

    port = _free_port()
    app = create_app(folder, token=TOKEN)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the workbench server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder
    instance.should_exit = True
    thread.join(timeout=10)
    app.state.jobs.shutdown()


def _chromium() -> str | None:
    return next((p for p in CHROMIUM if Path(p).exists()), None) or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium at 1280×900 (skipped with the reason when it is not installed)."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed (pip install '.[webtest]')")
    binary = _chromium()
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("Chromium or ChromeDriver is not installed: apt-get install chromium "
                    "chromium-driver (.ci/run does this)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,900", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(1280, 900)
    SCREENSHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
