"""Headless chromium through chromedriver (Debian's chromium, chromium-driver and
python3-selenium) for the browser tests: webmail's, the trace page's, the lab's dashboard."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def browser(tmp, width=1280, height=800):
    """A new headless browser with its profile under TMP; it accepts the tests' self-signed
    certificates."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors",
                f"--window-size={width},{height}", f"--user-data-dir={tmp}/chromium", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
