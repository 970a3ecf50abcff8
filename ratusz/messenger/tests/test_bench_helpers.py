"""The pure helpers of bench/messenger.py: the SSE parser and the matching of
stored messages to what the staff streams showed (bench/ is not collected by
the suite, so they are tested here)."""

from bench.messenger_stats import (
    MARKER,
    SSEParser,
    first_seen,
    percentile,
    summarize,
)


def parse(text):
    parser = SSEParser()
    return [e for line in text.split("\n") if (e := parser.feed(line)) is not None]


def test_sse_parser_reads_events_ids_and_skips_comments():
    events = parse(
        "retry: 3000\nid: 7\n\n"
        ": keep-alive\n\n"
        'id: 9\nevent: message\ndata: {"id": 9,\ndata:  "html": "x"}\n\n'
        'data: {"changed": true}\n\n'
    )
    assert events == [
        {"id": "7", "event": "message", "data": None},
        {"id": "9", "event": "message", "data": '{"id": 9,\n "html": "x"}'},
        {"id": None, "event": "message", "data": '{"changed": true}'},
    ]


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([5], 99) == 5
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(range(1, 101), 99) == 99.01


def test_first_seen_takes_the_first_event_that_names_the_conversation():
    messages = [
        {"id": 3, "ref": "A"},  # before the streams started
        {"id": 11, "ref": "A"},
        {"id": 12, "ref": "B"},
        {"id": 20, "ref": "C"},  # never reached
    ]
    slow = [(0.0, 10, None), (5.0, 12, ["A", "B"])]
    fast = [(0.0, 10, None), (1.0, 11, ["A"]), (2.0, 12, ["B"])]
    assert first_seen(messages, [slow, fast]) == {11: 1.0, 12: 2.0}


def test_first_seen_misses_a_message_committed_after_the_watermark_passed():
    # Id 11 was handed out first but committed after 12 had been shown:
    # the batch that passed it does not name its conversation.
    stream = [(0.0, 10, None), (1.0, 12, ["B"]), (2.0, 13, ["C"])]
    messages = [{"id": 11, "ref": "A"}, {"id": 12, "ref": "B"}]
    assert first_seen(messages, [stream]) == {12: 1.0}


def test_summarize_counts_lost_duplicates_and_latency():
    stored = [
        {"id": 1, "ref": "A", "marker": "m-0x0x0"},
        {"id": 2, "ref": "A", "marker": "m-0x0x1"},
        {"id": 3, "ref": "B", "marker": "m-0x1x1"},
        {"id": 4, "ref": "B", "marker": "m-0x1x1"},  # stored twice
    ]
    sends = [
        {"marker": "m-0x0x0", "t0": 0.0, "id": None, "during_run": False},
        {"marker": "m-0x0x1", "t0": 10.0, "id": 2, "during_run": True},
        {"marker": "m-0x1x1", "t0": 10.0, "id": 3, "during_run": True},
        {"marker": "m-0x1x2", "t0": 11.0, "id": 9, "during_run": True},  # not stored
    ]
    retries = [
        {"marker": "m-0x1x1", "first_id": 3, "id": 4},  # a second row: duplicate
        {"marker": "m-0x0x1", "first_id": None, "id": 2},  # first failed: fine
    ]
    stream = [(0.0, 0, None), (0.5, 1, ["A"]), (10.25, 2, ["A"]), (10.5, 4, ["B"])]
    replies = [
        {"marker": "r1", "t0": 20.0, "status": 302},
        {"marker": "r2", "t0": 21.0, "status": 302},
        {"marker": "r3", "t0": 22.0, "status": 500},
    ]
    errors = [{"what": "staff reply", "status": 500}]
    result = summarize(
        sends=sends,
        retries=retries,
        staff_streams=[stream],
        replies=replies,
        reply_seen={"r1": 20.1},
        stored=stored,
        errors=errors,
    )
    assert result["messages_sent"] == 3
    assert result["messages_acknowledged"] == 3
    assert result["conversations_opened"] == 1
    assert result["lost"] == 1
    assert result["lost_detail"]["acknowledged_not_stored"] == [9]
    # Row 4 and the retry that got another id: one duplicate each way.
    assert result["duplicates"] == 2
    assert result["message_to_inbox"]["count"] == 2
    assert result["message_to_inbox"]["max_ms"] == 500.0
    assert result["replies_sent"] == 2
    assert result["replies_lost"] == 1
    assert result["reply_to_resident"]["p50_ms"] == 100.0
    assert result["http_errors"] == 1


def test_marker_finds_the_benchmark_tag_in_a_body():
    assert MARKER.search("Pytanie [bench m-1x20x3]").group(1) == "m-1x20x3"
    assert MARKER.search("Zwykła wiadomość") is None
