#include "hamail/hacore/cli/usage.h"

namespace hamail::hactl {

const char* const kUsage =
    "usage: hactl [--config FILE | --socket PATH] COMMAND ...\n"
    "\n"
    "Cluster (talks to hacored):\n"
    "  status [--json]                      cluster, quorum, nodes, groups and resources, failures, fencing\n"
    "  switchover [GROUP] [--to NODE] [--wait] [--timeout S]\n"
    "                                       move GROUP (the only group if omitted) to NODE (the other node);\n"
    "                                       --wait follows each step until it ends (default timeout 60 s)\n"
    "  switchover [GROUP] --clear           drop a finished switchover's placement (auto_failback applies again)\n"
    "  standby NODE | unstandby NODE        move everything off NODE / let NODE run groups again\n"
    "  maintenance on|off                   stop / resume managing resources (they keep running)\n"
    "  resource cleanup [RESOURCE]          forget failures (all resources if none named) and re-probe\n"
    "  resource restart RESOURCE            stop and start RESOURCE where it runs\n"
    "  events [--follow] [--since T] [--json]\n"
    "                                       the event history, one line per event; --follow keeps streaming;\n"
    "                                       T: ISO UTC time (2026-11-26T14:08:51Z), 10m / 1h / 2d ago, or epoch ms\n"
    "  fence NODE                           fence NODE now through its stonith devices (logged with who asked)\n"
    "  fence NODE --confirm-off             record your word that NODE is off (its resources may start elsewhere)\n"
    "  fence-peer --volume V [--peer NODE] [--query] [--timeout S]\n"
    "                                       drbd-lite's fence-peer handler: outdate or fence the peer; exits with\n"
    "                                       DRBD's code: 4 peer outdated, 5 peer down, 7 peer fenced, 1 not done;\n"
    "                                       --query only asks whether the peer is fenced or down (5/7)\n"
    "  unfence-peer --volume V              drbd-lite's unfence-peer (after a resync): clear V's outdate\n"
    "\n"
    "Offline (cluster.yaml only):\n"
    "  config validate FILE                 check cluster.yaml; prints OK or every error (file:line:col: key: what),\n"
    "                                       and a warning for each agent not installed on this node\n"
    "  config corosync FILE                 print the corosync.conf generated from cluster.yaml\n"
    "\n"
    "hacored's socket: --socket PATH, else control.socket in --config FILE (default /etc/hamail/cluster.yaml),\n"
    "else /run/hamail/hacored.sock.\n"
    "Exit status: 0 done, 1 hacored refused or is unreachable (or a waited-for switchover failed or timed out),\n"
    "2 bad command line.\n";

}  // namespace hamail::hactl
