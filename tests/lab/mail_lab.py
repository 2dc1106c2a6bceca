"""The lab's mail cluster (conf/lab/cluster-mail.yaml): group mail = VIP + drbd-lite r0 + ext4
+ smtpd + pop3d + imapd with mail_root on the replicated filesystem + dnsd for lab.test on the VIP
+ httpd (https with a redirect from http; the webmail at /webmail/, the cluster dashboard at
/dashboard/, the mail trace at /trace/).
Brings it up in a lab: the mail daemons' configs and zones, a fresh volume, the group started, the
domain and a user."""

import os
import shutil

from halab import REPO
import storage
from storage import MNT

VIP = "10.201.1.50"
MAIL_ROOT = f"{MNT}/mail"
USER, PASSWORD = "bob@lab.test", "lab test password"
VIEWER = "carol@lab.test"  # a second user (add_user): the dashboard's viewer, a mail user like bob
CONFIG = os.path.join(REPO, "conf", "lab", "cluster-mail.yaml")
WANT = {"mail-vip": "started", "mail-volume": "promoted", "mail-fs": "started", "mail-smtpd": "started",
        "mail-pop3d": "started", "mail-imapd": "started", "mail-dnsd": "started",
        "mail-httpd": "started", "mail-trace": "started"}
DOMAIN = "lab.test"
# lab.test as dnsd serves it: what a client resolving the mail domain must get, before and after a switchover.
ZONE = f"""$ORIGIN {DOMAIN}.
$TTL 300
@     IN SOA ns1 hostmaster 2026120501 7200 3600 1209600 60
      IN NS  ns1
      IN MX  10 mail
      IN TXT "v=spf1 mx -all"
ns1   IN A   {VIP}
mail  IN A   {VIP}
imap  IN CNAME mail
"""
SITE_INDEX = "<!doctype html><title>lab.test</title><p>mail.lab.test, served through the VIP\n"
REVERSE_ZONE = f"""$ORIGIN 1.201.10.in-addr.arpa.
$TTL 300
@     IN SOA ns1.{DOMAIN}. hostmaster.{DOMAIN}. 2026120501 7200 3600 1209600 60
      IN NS  ns1.{DOMAIN}.
50    IN PTR mail.{DOMAIN}.
"""


def write_mail_configs(lab):
    d = f"{lab.root}/mail"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/smtpd.yaml", "w") as f:
        f.write(f"mail_root: {MAIL_ROOT}\nhostname: mail.lab.test\nlisteners:\n"
                "  - {role: mx, address: 0.0.0.0, port: 25}\n"
                "  - {role: submission, address: 0.0.0.0, port: 587}\n"
                # nothing is relayed out of the lab: remote mail waits for a closed local port
                "delivery: {relay_host: '[127.0.0.1]:1', min_backoff: 1h}\n"
                "metrics: {listen: '127.0.0.1:9666'}\n")
    with open(f"{d}/pop3d.yaml", "w") as f:
        f.write(f"mail_root: {MAIL_ROOT}\nhostname: mail.lab.test\n"
                f"tls: {{cert: {MAIL_ROOT}/tls/pop3d.crt, key: {MAIL_ROOT}/tls/pop3d.key}}\n"
                "listeners:\n  - {tls: starttls, address: 0.0.0.0, port: 110}\n"
                "metrics: {listen: '127.0.0.1:9667'}\n")
    with open(f"{d}/imapd.yaml", "w") as f:
        f.write(f"mail_root: {MAIL_ROOT}\nhostname: mail.lab.test\n"
                f"tls: {{cert: {MAIL_ROOT}/tls/imapd.crt, key: {MAIL_ROOT}/tls/imapd.key}}\n"
                "listeners:\n  - {tls: starttls, address: 0.0.0.0, port: 143}\n"
                "  - {tls: implicit, address: 0.0.0.0, port: 993}\n"
                "metrics: {listen: '127.0.0.1:9668'}\n")
    # The mail trace's follower (mail-trace): the index on the volume, this node's logs (halab
    # mounts each node's log directory at mail/log inside the node).
    with open(f"{d}/trace.yaml", "w") as f:
        f.write(f"db: {MNT}/trace/trace.db\nuser: mail\n"
                f"logs: [{d}/log/smtpd.log, {d}/log/pop3d.log, {d}/log/imapd.log]\n")
    # dnsd listens on the VIP itself (the group starts it after the address): its UDP answers must
    # leave from the address the client asked, which a wildcard socket would not choose.
    os.makedirs(f"{d}/dns", exist_ok=True)
    for name, text in ((DOMAIN, ZONE), ("1.201.10.in-addr.arpa", REVERSE_ZONE)):
        with open(f"{d}/dns/{name}.zone", "w") as f:
            f.write(text)
    # httpd's site on each node (like the zones; the volume is fresh when the group first starts),
    # its certificate on the volume (made at its first start), so both nodes show the same one.
    os.makedirs(f"{d}/www", exist_ok=True)
    with open(f"{d}/www/index.html", "w") as f:
        f.write(SITE_INDEX)
    # The webmail UI beside the site (https://mail.lab.test/webmail/); its API works on the Maildirs,
    # so httpd runs as the mail daemons' account. The dashboard (/dashboard/) asks this node's
    # hacored and drbdlited: the account is in the group of their sockets (cluster-mail.yaml's
    # control.group). The trace page (/trace/) reads the index the follower keeps on the volume.
    for page, src in (("webmail", ("webmail", "www")), ("dashboard", ("dashboard", "www")),
                      ("trace", ("trace", "web", "www"))):
        shutil.copytree(os.path.join(REPO, "mailsvc", *src), f"{d}/www/{page}", dirs_exist_ok=True)
    with open(f"{d}/httpd.yaml", "w") as f:
        f.write(f"user: mail\nhostname: mail.{DOMAIN}\ndocument_root: {d}/www\n"
                f"webmail: {{mail_root: {MAIL_ROOT}}}\n"
                "dashboard: {hacored_socket: /run/hamail/hacored.sock, drbdlited_socket: /run/drbd-lite/control.sock, "
                f"admins: [{USER}], viewers: [{VIEWER}]}}\n"
                f"trace: {{index: {MNT}/trace/trace.db, admins: [{USER}]}}\n"
                f"tls: {{cert: {MAIL_ROOT}/tls/httpd.crt, key: {MAIL_ROOT}/tls/httpd.key}}\nlisteners:\n"
                "  - {tls: none, address: 0.0.0.0, port: 80, redirect_to_https: true}\n"
                "  - {tls: implicit, address: 0.0.0.0, port: 443}\n")
    with open(f"{d}/dnsd.yaml", "w") as f:
        f.write(f"listeners:\n  - {{address: {VIP}, port: 53}}\nzones:\n"
                f"  - {{name: {DOMAIN}, file: dns/{DOMAIN}.zone}}\n"
                "  - {name: 1.201.10.in-addr.arpa, file: dns/1.201.10.in-addr.arpa.zone}\n")


def add_user(lab, node):
    """The domain lab.test, bob and carol (one password), on NODE (where the group runs: the
    users live on the volume)."""
    etc = f"{MAIL_ROOT}/etc"
    lab.exec(node, "install", "-d", "-m", "0750", etc)
    lab.exec(node, "mailsvc-admin", "--dir", etc, "domain", "add", "lab.test")
    # The password goes through stdin (a test password; mailsvc-admin refuses it in argv).
    for user in (USER, VIEWER):
        lab.exec(node, "sh", "-c", f"printf '%s\\n' '{PASSWORD}' | mailsvc-admin --dir {etc} user add {user} "
                 "--password-stdin")


def up(lab, *opts, config=CONFIG):
    """The lab up with the mail cluster, r0 fresh, the group started on node1, bob added."""
    lab.env["HALAB_CONFIG"] = config
    lab.up(*opts)
    write_mail_configs(lab)
    agents = storage.Agents(lab)
    storage.start_group_on_fresh_volume(lab, agents)
    lab.wait_group_on("node1", "node1", 180, WANT)  # a loaded sanitizer build: over 90 s seen once
    add_user(lab, "node1")
    return agents
