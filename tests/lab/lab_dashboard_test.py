"""Lab: the cluster dashboard and the mail trace in a real browser (headless chromium through
chromedriver, python3-selenium), against the mail cluster (conf/lab/cluster-mail.yaml), both
pages served by httpd on the VIP and moving with the group.

The host brings the lab up, sends mail to bob and carol and runs the browser part inside the
lab's client namespace (this file with --in-client: the browser's traffic leaves from the
client, 10.201.1.100); that part asks the host for each power-off and power-on (a line on its
output, the answer on its input) and reads the nodes' state through `halab exec`:
- trace: carol (a user) sees only her own message; bob (a trace admin) sees all three;
- dashboard: carol (a viewer) sees both nodes and the group, has no action buttons, and the
  server refuses her an action; bob (an admin): an action without the CSRF token is refused;
  Switchover (with its confirmation) moves the group to node2; httpd moves with it, so the page
  asks for a login again (sessions live in httpd's memory) and then shows the switchover's
  phases and the new node;
- node1 (passive) powered off: the live timeline shows node_lost within 5 s of hacored's own
  event, and the node as lost; node2 (active) powered off: after the failover the page, logged
  in again, shows the group on node1, node2 lost and the failover, with its start, at the top
  of the history.
Screenshots in HALAB_SCREENSHOT_DIR (default: dashboard-screenshots in the working directory)."""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from halab import HALAB, Lab  # noqa: E402
import mail_lab  # noqa: E402
from mail_lab import PASSWORD, USER, VIEWER, VIP, WANT  # noqa: E402
from storage import say  # noqa: E402

CLIENT = os.path.join(HERE, "mail_client.py")
NAME = "halabtestdash"
BASE = f"https://{VIP}"
SHOTS = os.path.abspath(os.environ.get("HALAB_SCREENSHOT_DIR", "dashboard-screenshots"))
PAGE_LAG_S = 5  # the bound: an event on the page within 5 s


# ---- the host's part --------------------------------------------------------------------

POWER_REQUEST = "@@halab "


def serve_power_requests(lab, p):
    """Passes the browser part's output through, and runs its power-offs and power-ons: those
    change the lab's namespaces and mounts, which only the host's own mount namespace may do
    (from inside the client, `halab poweroff` failed). Ends with the browser part's output; the
    browser part bounds every one of its waits."""
    for line in p.stdout:
        if not line.startswith(POWER_REQUEST):
            sys.stdout.write(line)
            sys.stdout.flush()
            continue
        args = json.loads(line[len(POWER_REQUEST):])
        assert args[0] in ("poweroff", "poweron") and args[1] in ("node1", "node2"), args
        r = lab.run(*args, check=False)
        p.stdin.write(json.dumps({"rc": r.returncode, "output": r.stdout + r.stderr}) + "\n")
        p.stdin.flush()

def host_main():
    if os.geteuid() != 0:
        raise SystemExit("lab_dashboard_test needs root: run it as root; it is labelled `lab`")
    lab = Lab(NAME)
    ok = False
    try:
        mail_lab.up(lab)
        # Mail for the trace: two messages to bob, one to carol, through the VIP from the client.
        for rcpt, tag, count in ((USER, "dash-bob", 2), (VIEWER, "dash-carol", 1)):
            p = lab.exec("client", "/usr/bin/python3", CLIENT, "send", VIP, rcpt, tag, str(count), "5", "60",
                         timeout=90)
            assert json.loads(p.stdout.splitlines()[-1])["done"], p.stdout
        env = dict(lab.env, HALAB_SCREENSHOT_DIR=SHOTS)
        p = subprocess.Popen([HALAB, "exec", "client", "/usr/bin/python3", os.path.abspath(__file__), "--in-client"],
                             env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        serve_power_requests(lab, p)
        rc = p.wait(timeout=60)  # its output has ended: it is exiting
        ok = rc == 0
        assert ok, f"the browser part failed (exit {rc}): see above"
        say(f"lab_dashboard_test: passed; screenshots in {SHOTS}")
    finally:
        lab.save_logs(os.environ.get("HALAB_TEST_LOGS", f"/tmp/{NAME}-logs"))
        lab.down()


# ---- the browser's part (in the client namespace) ----------------------------------------

def client_main():
    from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                            TimeoutException)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    sys.path.insert(0, os.path.join(HERE, "..", "..", "mailsvc", "tests"))
    from browser_util import browser

    lab = Lab(NAME)  # the lab the host brought up (same name, same environment)
    os.makedirs(SHOTS, exist_ok=True)

    def until(d, what, fn, timeout=30):
        try:
            return WebDriverWait(d, timeout, poll_frequency=0.2,
                                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)) \
                .until(lambda d: fn(d))
        except TimeoutException:
            shot(d, "failed-" + "".join(c if c.isalnum() else "-" for c in what)[:60])
            raise AssertionError(f"no {what} within {timeout} s; page: {d.find_element(By.TAG_NAME, 'body').text[:3000]}")

    def shot(d, name, show=None):
        """A screenshot, scrolled to the element with id SHOW if given."""
        if show:
            d.execute_script("document.getElementById(arguments[0]).scrollIntoView()", show)
        d.save_screenshot(os.path.join(SHOTS, name + ".png"))

    def text(d, id_):
        return d.find_element(By.ID, id_).text

    def dash_login(d, user, timeout=30):
        until(d, "the dashboard's login form", lambda d: d.find_element(By.ID, "login").is_displayed(), timeout)
        d.find_element(By.ID, "user").clear()
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        d.find_element(By.ID, "login-button").click()
        until(d, f"{user} logged in", lambda d: text(d, "who").startswith(user))
        until(d, "the live events followed", lambda d: "(following)" in text(d, "live-state"))

    def group_line(d):
        return text(d, "groups").splitlines()[0] if text(d, "groups") else ""

    def node_rows(d):
        return [r.text for r in d.find_elements(By.CSS_SELECTOR, "#nodes tr")][1:]

    def fetch(d, method, path, body=None, csrf=True):
        """A request from the page itself (same origin, its cookie), with or without the CSRF token."""
        return d.execute_async_script("""
            const [method, path, body, csrf, done] = arguments;
            (async () => {
              const s = await (await fetch("/dashboard/api/session")).json();
              const headers = {"Content-Type": "application/json"};
              if (csrf) headers["X-CSRF-Token"] = s.csrf_token;
              const r = await fetch(path, {method, headers, body: body === null ? undefined : JSON.stringify(body)});
              done({status: r.status, body: await r.text()});
            })().catch((e) => done({status: -1, body: String(e)}));""", method, path, body, csrf)

    def trace_login(d, user):
        d.get(f"{BASE}/trace/")
        until(d, "the trace's login form", lambda d: d.find_element(By.ID, "login").is_displayed())
        form = d.find_element(By.ID, "login")
        form.find_element(By.NAME, "user").send_keys(user)
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        form.find_element(By.TAG_NAME, "button").click()
        until(d, f"{user} logged in to the trace", lambda d: text(d, "who") == user)

    def log_out(d):
        """The page's Log out, and its login form back (the session is gone on the server)."""
        d.find_element(By.ID, "logout").click()
        until(d, "the login form after logging out", lambda d: d.find_element(By.ID, "login").is_displayed())

    def trace_rows(d):
        return [r.text for r in d.find_elements(By.CSS_SELECTOR, "#results tbody tr")]

    def hacored_event_time(asker, name, **match):
        """The wall-clock time (s) of ASKER's newest event NAME with these fields, or None."""
        found = [e for e in lab.events(asker, name) if all(e.get(k) == v for k, v in match.items())]
        return found[-1]["ts_ms"] / 1000 if found else None

    def wait_fence_end(node, target, since):
        lab.wait_for(f"{node}'s fence of {target} to end",
                     lambda: any(e.get("target") == target and e["ts_ms"] / 1000 >= since
                                 for e in lab.events(node, "fence_end")), 90)

    def power(action, node):
        """halab ACTION NODE, run by the host (serve_power_requests)."""
        print(POWER_REQUEST + json.dumps([action, node]), flush=True)
        reply = json.loads(sys.stdin.readline() or '{"rc": -1, "output": "the host did not answer"}')
        assert reply["rc"] == 0, f"halab {action} {node} failed: {reply}"

    tmp = tempfile.mkdtemp(prefix="dash-browser-")
    d = browser(tmp)
    try:
        # -- the trace: a user sees only her own mail; an admin sees all ----------------------
        trace_login(d, VIEWER)
        until(d, "carol's message in the trace", lambda d: len(trace_rows(d)) >= 1, 60)
        rows = trace_rows(d)
        assert len(rows) == 1 and VIEWER in rows[0], rows
        assert not any("dash-bob" in r for r in rows), rows
        shot(d, "trace-1-user")
        log_out(d)
        trace_login(d, USER)
        until(d, "all three messages for the trace admin", lambda d: len(trace_rows(d)) == 3, 60)
        log_out(d)

        # -- the dashboard as a viewer ------------------------------------------------------
        d.get(f"{BASE}/dashboard/")
        dash_login(d, VIEWER)
        until(d, "both nodes online", lambda d: len(node_rows(d)) == 2 and all(" online " in r for r in node_rows(d)))
        until(d, "the group on node1", lambda d: group_line(d).startswith("mail on node1"))
        assert "(viewer)" in text(d, "who"), text(d, "who")
        assert not d.find_elements(By.CSS_SELECTOR, "button.action"), "a viewer has no action buttons"
        r = fetch(d, "POST", "/dashboard/api/actions", {"action": "switchover", "target": "mail"})
        assert r["status"] == 403, r
        until(d, "corosync's link to node2", lambda d: "link0 up (10.201.2.12)" in " ".join(node_rows(d)))
        until(d, "the volume in sync", lambda d: "UpToDate (UpToDate)" in text(d, "volumes"))
        until(d, "the fence device's last monitor", lambda d: "halab fence_halab node1, node2 ok (" in text(d, "fencing"))
        shot(d, "dashboard-1-viewer")
        log_out(d)

        # -- an admin: CSRF, then a switchover by click --------------------------------------
        dash_login(d, USER)
        assert "(admin)" in text(d, "who"), text(d, "who")
        r = fetch(d, "POST", "/dashboard/api/actions", {"action": "switchover", "target": "mail"}, csrf=False)
        assert r["status"] == 403 and "CSRF" in r["body"].upper(), r
        # The state is read after the login: the admin's buttons come with it.
        def switchover_buttons(d):
            return [b for b in d.find_elements(By.CSS_SELECTOR, "#groups button.action") if b.text == "Switchover"]
        until(d, "the group's Switchover button", lambda d: len(switchover_buttons(d)) == 1)
        sw = switchover_buttons(d)
        sw[0].click()
        until(d, "the confirmation dialog", lambda d: d.find_element(By.ID, "confirm").is_displayed())
        will = text(d, "confirm-text")
        assert "mail" in will and "node2" in will, will
        shot(d, "dashboard-2-confirm")
        assert lab.wait_group_on("node1", "node1", 5, WANT), "nothing may happen before the confirmation"
        clicked = time.time()
        d.find_element(By.ID, "confirm-yes").click()
        # httpd stops with the group's first phase: the session (in its memory) ends with it.
        # The page says so and asks for a login on the new node.
        until(d, "the login again after httpd moved", lambda d: d.find_element(By.ID, "login").is_displayed(), 240)
        assert "log in again" in text(d, "login-error"), text(d, "login-error")
        lab.wait_group_on("node2", "node2", 120, WANT)
        dash_login(d, USER, timeout=60)
        until(d, "the group on node2", lambda d: group_line(d).startswith("mail on node2"))
        until(d, "the switchover in the history",
              lambda d: text(d, "history").startswith("switchover of mail from node1 to node2: done"))
        phases = [p.text for p in d.find_elements(By.CSS_SELECTOR, "#history > li:first-child ol li")]
        assert len(phases) >= 3 and any("httpd" in p for p in phases), phases
        say(f"dashboard: switchover clicked; group on node2 and shown after {time.time() - clicked:.1f} s; "
            f"{len(phases)} phases: {phases}")
        shot(d, "dashboard-3-after-switchover", show="groups")

        # -- node1 (passive) powered off: the live timeline within 5 s ------------------------
        off = time.time()
        power("poweroff", "node1")
        until(d, "node_lost of node1 in the live timeline",
              lambda d: any("node_lost" in line and "node=node1" in line for line in text(d, "timeline").splitlines()), 60)
        seen = time.time()
        lost = hacored_event_time("node2", "node_lost", node="node1")
        assert lost is not None, "node2's hacored has no node_lost of node1"
        say(f"dashboard: node1 powered off; hacored's node_lost {lost - off:.1f} s later; on the page "
            f"{seen - lost:.2f} s after that ({seen - off:.1f} s after the power-off)")
        assert seen - lost <= PAGE_LAG_S, f"the page showed node_lost {seen - lost:.2f} s after hacored's event"
        until(d, "node1 shown as lost", lambda d: any(r.startswith("node1") and (" unclean " in r or " off " in r)
                                                     for r in node_rows(d)))
        shot(d, "dashboard-4-node-lost")
        wait_fence_end("node2", "node1", off)
        power("poweron", "node1")
        lab.wait_members("node2", [1, 2], 120)

        # -- node2 (active) powered off: failover, the page back on node1 ---------------------
        lab.wait_group_on("node2", "node2", 120, WANT)
        off = time.time()
        power("poweroff", "node2")
        until(d, "the login again after the failover", lambda d: d.find_element(By.ID, "login").is_displayed(), 240)
        lab.wait_group_on("node1", "node1", 180, WANT)
        dash_login(d, USER, timeout=60)
        until(d, "the group on node1", lambda d: group_line(d).startswith("mail on node1"))
        # The failover at the top of the history, begun and ended. (Once node2 was powered off
        # before its report reached the just restarted node1, which then recorded no failover;
        # and a failed monitor at the lab's setup showed as a failover from node1 to node1.)
        until(d, "the failover in the history",
              lambda d: text(d, "history").startswith("failover of mail from node2 to node1: done"), 30)
        first = d.find_element(By.CSS_SELECTOR, "#history > li:first-child").text.splitlines()[0]
        assert ", 20" in first, f"the failover has no start time: {first}"
        say(f"dashboard: node2 powered off; page back on node1 {time.time() - off:.1f} s later: {first}")
        until(d, "node2 shown as lost", lambda d: any(r.startswith("node2") and (" unclean " in r or " off " in r)
                                                     for r in node_rows(d)))
        shot(d, "dashboard-5-after-failover", show="fencing")
        print(datetime.datetime.now().isoformat(), "browser part passed", flush=True)
    finally:
        d.quit()


if __name__ == "__main__":
    if sys.argv[1:] == ["--in-client"]:
        client_main()
    else:
        host_main()
