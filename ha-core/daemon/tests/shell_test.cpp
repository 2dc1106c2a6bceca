// Two hacored nodes without a loop: each a ClusterCore + NodeShell (+ ControlHandler,
// ShutdownSequence, ConnectivityReporter) over fake agents, a fake CPG that delivers every
// message and membership change to both in one order, and fake clocks. stonith is
// disabled in this configuration (a lost node is assumed down, loudly).
#include <csignal>

#include "two_nodes.h"

namespace hamail::hacore {
namespace {

TEST_F(TwoNodes, AGroupStartsOnItsPreferredNodeAndMovesOnSwitchover) {
  start();
  EXPECT_EQ(running_on("node1"), all_);
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ((truth_[{"vol", "node1"}]), 8) << "promoted";
  EXPECT_EQ(node(1).agents.monitored(), all_);

  json reply = node(2).ask({{"cmd", "switchover"}});
  ASSERT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_EQ(reply["group"], "mail");
  EXPECT_EQ(reply["to"], "node2");
  ASSERT_TRUE(reply["id"].is_number_unsigned());
  settle();
  EXPECT_EQ(running_on("node2"), all_);
  EXPECT_TRUE(running_on("node1").empty());
  for (auto id : {1u, 2u}) {
    const json* end = nullptr;
    for (const auto& e : node(id).events)
      if (e["event"] == "switchover_end") end = &e;
    ASSERT_TRUE(end) << "node" << id;
    EXPECT_EQ((*end)["id"], reply["id"]) << "hactl follows the switchover by this id";
    EXPECT_GT((*end)["duration_ms"].get<std::int64_t>(), 0);
    EXPECT_LT((*end)["duration_ms"].get<std::int64_t>(), 60'000);
  }
  EXPECT_TRUE(node(1).logged({"event=switchover_end"}));
}

TEST_F(TwoNodes, AGroupFailsOverWhenItsNodeIsLost) {
  start();
  ASSERT_EQ(running_on("node1"), all_);
  cpg_.drop(1);  // powered off: its processes die with it
  std::erase_if(truth_, [](const auto& kv) { return kv.first.second == "node1"; });
  settle();
  EXPECT_EQ(running_on("node2"), all_);
  EXPECT_EQ(node(2).count("node_lost"), 1u);
  EXPECT_EQ(node(2).count("failover_end"), 1u);
  EXPECT_TRUE(node(2).logged({"level=warning component=hacored event=scheduler_note", "WARNING"}))
      << "stonith disabled: the start on the survivor is a loud warning";
  EXPECT_TRUE(node(2).core.is_dc());
}

TEST_F(TwoNodes, AMalformedMessageFromOneNodeLeavesBothRunning) {
  start();
  cpg_.inject(2, "{not json");
  cpg_.inject(2, R"({"v":5,"t":"action_result","from":"node2","id":"1","index":0})");
  cpg_.inject(2, R"({"v":5,"t":"set_maintenance","from":"node2","on":"yes"})");
  cpg_.inject(2, std::string(5'000'000, '['));
  cpg_.inject(7, R"({"v":5,"t":"hello","from":"node7","node":"node7","config":""})");  // a stranger in the group
  settle();
  for (auto id : {1u, 2u}) {
    EXPECT_EQ(node(id).count("message_dropped"), 4u) << "node" << id;
    EXPECT_TRUE(node(id).logged({"level=warning component=hacored event=message_dropped", "from=node2"}));
    EXPECT_TRUE(node(id).logged({"event=cpg_message_ignored", "from_nodeid=7"}));
    EXPECT_FALSE(node(id).core.state().maintenance);
  }
  EXPECT_EQ(running_on("node1"), all_);
  ASSERT_EQ(node(1).ask({{"cmd", "switchover"}})["ok"], true);
  settle();
  EXPECT_EQ(running_on("node2"), all_);
}

TEST_F(TwoNodes, ControlRequestsWithBadTypesGetAnErrorNamingTheField) {
  start();
  struct Case {
    json request;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{{"cmd", "events"}, {"since_ms", "x"}}, "bad events request: field \"since_ms\": expected an integer, found a string"},
      {{{"cmd", "maintenance"}, {"on", "yes"}}, "bad maintenance request: field \"on\": expected true or false"},
      {{{"cmd", "maintenance"}}, "field \"on\": missing"},
      {{{"cmd", "switchover"}, {"to", 2}}, "bad switchover request: field \"to\": expected a string"},
      {{{"cmd", "switchover"}, {"group", std::string(10'000, 'g')}}, "field \"group\": longer than 255 bytes"},
      {{{"cmd", "standby"}, {"node", false}}, "bad standby request: field \"node\""},
      {{{"cmd", "restart"}}, "bad restart request: field \"resource\": missing"},
      {{{"cmd", "cleanup"}, {"resource", 1e300}}, "bad cleanup request: field \"resource\""},
      {{{"cmd", "events"}, {"since_ms", 1e300}}, "field \"since_ms\": expected an integer, found a fractional number"},
      {{{"cmd", "status"}, {"x", 1}}, "unknown field \"x\""},
      {{{"cmd", "reboot"}}, "unknown command 'reboot'"},
      {{{"cmd", "switchover"}, {"to", "node9"}}, "no node named 'node9'"},
      {{{"cmd", "restart"}, {"resource", "nope"}}, "no resource named 'nope'"},
  };
  for (const auto& c : cases) {
    json reply = node(1).ask(c.request);
    EXPECT_EQ(reply["ok"], false) << c.request.dump();
    ASSERT_TRUE(reply["error"].is_string()) << reply.dump();
    EXPECT_NE(reply["error"].get<std::string>().find(c.error), std::string::npos) << reply["error"];
  }
  EXPECT_EQ(running_on("node1"), all_);
  EXPECT_TRUE(node(1).ask({{"cmd", "status"}})["status"]["quorate"]);
}

TEST_F(TwoNodes, EventsAreStreamedFromATimeAndFollowed) {
  start();
  fakes::RecordingReplies all, none, follow;
  EXPECT_FALSE(node(2).control.handle({{"cmd", "events"}, {"since_ms", 0}}, all));
  ASSERT_GT(all.lines.size(), 5u);
  EXPECT_EQ(all.lines[0], json({{"ok", true}}));
  EXPECT_TRUE(all.ended);
  EXPECT_FALSE(all.subscribed);
  EXPECT_FALSE(node(2).control.handle({{"cmd", "events"}, {"since_ms", node(2).clock.wall + 1}}, none));
  EXPECT_EQ(none.lines.size(), 1u);
  EXPECT_FALSE(node(2).control.handle({{"cmd", "events"}, {"since_ms", node(2).clock.wall}, {"follow", true}}, follow));
  EXPECT_TRUE(follow.subscribed);
  EXPECT_FALSE(follow.ended);
}

TEST_F(TwoNodes, CorosyncLinksAreInTheStatusAndTheirChangesAreEvents) {
  start();
  json st = node(1).ask({{"cmd", "status"}});
  EXPECT_EQ(st["status"]["corosync_links"], (json{{"ok", false}, {"error", "not read yet"}}));
  auto reading = [](bool up) {
    return LinkReading{{PeerLinks{2, up, {KnetLink{0, up, 1397, "10.201.2.11", "10.201.2.12"}}}}, ""};
  };
  node(1).shell.on_link_reading(reading(true));
  node(1).shell.on_link_reading(reading(false));
  ASSERT_EQ(node(1).count("corosync_link_down"), 1u);
  const json& down = node(1).events.back();
  EXPECT_EQ(down["node"], "node2") << "named from cluster.yaml's node ids";
  EXPECT_TRUE(down["ts_ms"].is_number_integer());
  EXPECT_TRUE(node(1).logged({"level=warning component=hacored event=corosync_link_down", "node=node2", "link=0"}));
  st = node(1).ask({{"cmd", "status"}});
  EXPECT_EQ(st["status"]["corosync_links"]["nodes"]["node2"]["links"][0]["connected"], false) << st.dump();
  EXPECT_TRUE(st["status"]["fencing"].contains("devices")) << "the fence devices' health is still there";
}

TEST_F(TwoNodes, AgentFailuresAreRecoveredInPlaceThenMoveAtTheThreshold) {
  node(1).agents.next("smtpd", AgentRunner::Op::start, FakeAgents::Behaviour::time_out);
  start();  // the first start of smtpd times out; the retry (after a 1 s back-off) works
  EXPECT_EQ(running_on("node1"), all_);
  json status = node(2).ask({{"cmd", "status"}})["status"];
  ASSERT_EQ(status["failed_actions"].size(), 1u);
  EXPECT_EQ(status["failed_actions"][0]["reason"], "smtpd timed out after 20000 ms");
  // The process dies (the monitor sees it not running); its restart fails with an OCF
  // code: the third failure reaches migration_threshold 3, the group moves.
  node(1).agents.next("smtpd", AgentRunner::Op::start, FakeAgents::Behaviour::fail, 5);
  truth_.erase({"smtpd", "node1"});
  node(1).agents.run_monitors();
  settle();
  EXPECT_TRUE(node(1).logged({"event=resource_failed", "op=monitor", "rc=7", "resource=smtpd"}));
  EXPECT_TRUE(node(1).logged({"event=resource_failed", "op=start", "rc=5", "resource=smtpd"}));
  EXPECT_EQ(node(2).core.state().failures.at({"smtpd", "node1"}).count, 3);
  EXPECT_EQ(running_on("node2"), all_);
  EXPECT_TRUE(running_on("node1").empty());
}

TEST_F(TwoNodes, AFullCpgQueueIsAnErrorAnswerNotACrash) {
  start();
  cpg_.capacity = 0;
  json reply = node(1).ask({{"cmd", "maintenance"}, {"on", true}});
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"], "not sent to the cluster: corosync send queue full (0 messages)");
  cpg_.capacity = fakes::FakeCpg::kDefaultCapacity;
  EXPECT_EQ(node(1).ask({{"cmd", "maintenance"}, {"on", true}})["ok"], true);
  settle();
  EXPECT_TRUE(node(2).core.state().maintenance);
}

TEST_F(TwoNodes, ACleanStopMovesTheGroupAwayFirst) {
  start();
  EXPECT_EQ(node(1).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::keep_running);
  settle();
  EXPECT_TRUE(node(1).stopped);
  EXPECT_EQ(running_on("node2"), all_);
  EXPECT_TRUE(running_on("node1").empty());
  cpg_.leave(1);
  settle();
  json left = nullptr;
  for (const auto& e : node(2).events)
    if (e["event"] == "node_left") left = e;
  EXPECT_EQ(left["clean"], true);
}

// `hactl cluster stop --all`: the other node stops first (the group moves here), then this
// one, alone: its groups have nowhere to go and stop here before hacored does (Pacemaker's
// behaviour), so nothing runs unmanaged after a whole-cluster stop.
TEST_F(TwoNodes, TheLastNodeToStopStopsItsGroupsFirst) {
  start();
  ASSERT_EQ(running_on("node1"), all_);
  EXPECT_EQ(node(1).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::keep_running);
  settle();
  ASSERT_TRUE(node(1).stopped);
  cpg_.leave(1);
  settle();
  ASSERT_EQ(running_on("node2"), all_);
  EXPECT_EQ(node(2).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::keep_running);
  settle();
  EXPECT_TRUE(node(2).stopped);
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_TRUE(running_on("node1").empty());
  EXPECT_FALSE(node(2).logged({"event=stopping_with_resources"}));
}

// `hactl cluster reload` restarts hacored in maintenance mode: the stop leaves the group
// where it runs, the peer sees a clean leave (no failover, no fencing), and the restarted
// hacored finds the group with its probes; after maintenance nothing moves or restarts.
TEST_F(TwoNodes, AStopInMaintenanceModeLeavesTheGroupRunningForTheRestart) {
  start();
  ASSERT_EQ(running_on("node1"), all_);
  ASSERT_EQ(node(1).ask({{"cmd", "maintenance"}, {"on", true}})["ok"], true);
  settle();
  EXPECT_EQ(node(1).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::stop);
  EXPECT_TRUE(node(1).logged({"event=stopping_with_resources", "maintenance mode"}));
  cpg_.leave(1);
  settle();
  EXPECT_EQ(running_on("node1"), all_);
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ(node(2).count("node_lost"), 0u);
  EXPECT_EQ(node(2).count("failover_begin"), 0u);

  auto agent_ops = truth_;
  std::size_t results_before = node(2).count("action_result");
  nodes_[1] = std::make_unique<Node>(cfg_, cpg_, truth_, fence_, 1, "node1", 7'000'000);  // hacored again
  cpg_.attach(1, &node(1).shell);
  node(1).shell.on_quorum(true);
  cpg_.join(1);
  settle();
  EXPECT_TRUE(node(1).core.state().maintenance) << "handed over by node2";
  EXPECT_EQ(node(1).core.status()["nodes"][0]["config_sha256"], cfg_.digest);
  EXPECT_EQ(node(2).core.status()["nodes"][0]["config_sha256"], cfg_.digest) << "said in node1's hello";
  ASSERT_EQ(node(1).ask({{"cmd", "maintenance"}, {"on", false}})["ok"], true);
  settle();
  EXPECT_EQ(running_on("node1"), all_);
  EXPECT_TRUE(running_on("node2").empty());
  EXPECT_EQ(truth_, agent_ops) << "nothing was stopped or started again";
  EXPECT_EQ(node(2).count("action_result"), results_before) << "no start, stop or promote ran";
}

TEST_F(TwoNodes, TheStopDeadlineRunsOnTheMonotonicClock) {
  start();
  ASSERT_EQ(node(1).ask({{"cmd", "standby"}, {"node", "node2"}})["ok"], true);  // nowhere to go
  settle();
  ASSERT_EQ(node(1).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::keep_running);
  node(1).clock.wall += 86'400'000;  // the wall clock jumps a day ahead
  EXPECT_EQ(node(1).shutdown.on_tick(), ShutdownSequence::Step::keep_running);
  node(1).clock.mono += ShutdownSequence::kDefaultDeadlineMs - 1000;
  EXPECT_EQ(node(1).shutdown.on_tick(), ShutdownSequence::Step::keep_running);
  node(1).clock.mono += 2000;
  EXPECT_EQ(node(1).shutdown.on_tick(), ShutdownSequence::Step::stop);
  EXPECT_TRUE(node(1).logged({"event=stopping_with_resources reason=\"timed out\""}));
  EXPECT_EQ(node(1).shutdown.on_signal(SIGTERM), ShutdownSequence::Step::stop) << "a second signal: at once";
}

TEST_F(TwoNodes, LosingConnectivityMovesTheGroupAfterTheThreshold) {
  start();
  Node& n1 = node(1);
  n1.reach.on_interval();
  n1.reach.on_interval();  // a round is running: not overlapped
  ASSERT_EQ(n1.prober.pending.size(), 1u);
  n1.prober.complete(false);
  settle();
  EXPECT_EQ(running_on("node1"), all_) << "one lost round is below the threshold (2)";
  n1.reach.on_interval();
  n1.prober.complete(false);
  settle();
  EXPECT_TRUE(n1.logged({"event=connectivity_lost_local"}));
  EXPECT_EQ(node(2).count("connectivity_lost"), 1u);
  EXPECT_EQ(running_on("node2"), all_);
}

}  // namespace
}  // namespace hamail::hacore
