#!/usr/bin/python3
"""The trace page in headless chromium (python3-selenium, as webmail's browser test): over
the fixture index of trace_web_test.py, alice logs in through the page's form, sees her two
messages (no subject field, no indicators), opens one and reads its timeline across both
nodes; the admin sees all three, the indicators, and finds one by subject. Screenshots in
TRACE_SCREENSHOT_DIR."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import trace_web_test as tw  # noqa: E402  (its Env: the fixture index, httpd with webmail: and trace:)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "webmail", "tests"))
from webmail_browser_test import browser, until  # noqa: E402
from mail_test_util import run_case  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

SHOTS = os.environ.get("TRACE_SCREENSHOT_DIR", "trace-screenshots")


def result_rows(d):
    return d.find_elements(By.CSS_SELECTOR, "#results tbody tr")


def log_in(d, user):
    until(d, "the login form", lambda d: d.find_element(By.ID, "login").is_displayed())
    form = d.find_element(By.ID, "login")
    form.find_element(By.NAME, "user").send_keys(user)
    form.find_element(By.NAME, "password").send_keys(tw.PASSWORDS[user])
    form.find_element(By.TAG_NAME, "button").click()
    until(d, "logged in", lambda d: d.find_element(By.ID, "who").text == user)


def case_browser(env):
    os.makedirs(SHOTS, exist_ok=True)
    env.start()
    d = browser(env.tmp)
    try:
        d.get(f"https://127.0.0.1:{env.tls_port}/trace/")
        log_in(d, tw.ALICE)
        until(d, "alice's two messages", lambda d: len(result_rows(d)) == 2)
        assert not d.find_element(By.ID, "subject-field").is_displayed()
        assert not d.find_element(By.ID, "indicators").is_displayed()
        result_rows(d)[1].click()  # newest first: her own, the older one
        until(d, "the timeline", lambda d: "retrieved" in d.find_element(By.ID, "timeline-body").text)
        text = d.find_element(By.ID, "timeline-body").text
        assert "node1" in text and "node2" in text and "auth_user=alice@example.org" in text, text
        steps = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#timeline-body td.step")]
        assert steps == ["received", "delivered", "retrieved"], steps
        d.save_screenshot(os.path.join(SHOTS, "1-user-timeline.png"))
        d.find_element(By.ID, "logout").click()
        log_in(d, tw.ROOT)
        until(d, "all three messages", lambda d: len(result_rows(d)) == 3)
        until(d, "the indicators", lambda d: d.find_element(By.ID, "indicators").is_displayed())
        subject = d.find_element(By.NAME, "subject")
        subject.send_keys("report")
        d.find_element(By.CSS_SELECTOR, "#search button").click()
        until(d, "one by subject", lambda d: [r.text for r in result_rows(d)] != [] and len(result_rows(d)) == 1
              and "Quarterly report" in result_rows(d)[0].text)
        d.save_screenshot(os.path.join(SHOTS, "2-admin-subject.png"))
    finally:
        d.quit()


if __name__ == "__main__":
    run_case({"browser": case_browser}, tw.Env, "trace-web-browser")
