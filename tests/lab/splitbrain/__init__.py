"""The split-brain suite (scripts/splitbrain): lab scenarios under load, invariant monitors
sampled from outside the nodes, a block writer and the no-lost-mail checker."""
