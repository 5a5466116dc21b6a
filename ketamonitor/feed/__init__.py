"""The bedside monitors' feed (issue 21): the MLLP listener that journals each frame before
its ACK, and the monitor simulator that sends believable sessions to it. Sockets and threads
live here; the rules (framing, parsing, ACKs) are core's, the journal is the store's."""
