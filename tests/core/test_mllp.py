"""MLLP framing: frames found in a stream however it is cut, problems said once, memory
bounded whatever is sent."""

from __future__ import annotations

import random
import time
import tracemalloc

import pytest

from ketamonitor.core.mllp import (
    Frame,
    FrameProblem,
    MllpReader,
    ProblemKind,
    frame,
)

MESSAGE = b"MSH|^~\\&|MONITOR|ICU|||20261123093000||ORU^R01|1|P|2.6\rOBX|1|NM|x||120\r"
OTHER = b"MSH|^~\\&|MONITOR|ICU|||20261123093001||ORU^R01|2|P|2.6\rOBX|1|NM|x||97\r"


def frames(items: list[Frame | FrameProblem]) -> list[bytes]:
    return [item.message for item in items if isinstance(item, Frame)]


def problems(items: list[Frame | FrameProblem]) -> list[FrameProblem]:
    return [item for item in items if isinstance(item, FrameProblem)]


def feed_in_pieces(reader: MllpReader, data: bytes, sizes: list[int]) -> list[
        Frame | FrameProblem]:
    out: list[Frame | FrameProblem] = []
    at = 0
    for size in sizes:
        out += reader.feed(data[at:at + size])
        at += size
    out += reader.feed(data[at:])
    return out


def test_frame_wraps_a_message_in_start_and_end_blocks():
    assert frame(b"MSH|x") == b"\x0bMSH|x\x1c\r"
    with pytest.raises(ValueError, match="start block"):
        frame(b"MSH\x0b")
    with pytest.raises(ValueError, match="end block"):
        frame(b"MSH\x1c\rPID")


def test_a_whole_frame_in_one_read():
    reader = MllpReader(max_frame_bytes=1024)
    assert reader.feed(frame(MESSAGE)) == [Frame(MESSAGE)]
    assert reader.pending_bytes == 0


def test_a_frame_split_at_every_possible_place():
    data = frame(MESSAGE)
    for cut in range(1, len(data)):
        reader = MllpReader(max_frame_bytes=1024)
        assert reader.feed(data[:cut]) == []
        assert reader.pending_bytes == cut - 1  # the start block is not held
        assert reader.feed(data[cut:]) == [Frame(MESSAGE)], cut
        assert reader.pending_bytes == 0


def test_a_frame_fed_a_byte_at_a_time():
    reader = MllpReader(max_frame_bytes=1024)
    out = feed_in_pieces(reader, frame(MESSAGE), [1] * len(frame(MESSAGE)))
    assert out == [Frame(MESSAGE)]


def test_several_frames_in_one_read_come_out_in_order():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(frame(MESSAGE) + frame(OTHER) + frame(MESSAGE))
    assert frames(out) == [MESSAGE, OTHER, MESSAGE]
    assert problems(out) == []


def test_one_frame_s_end_and_the_next_s_start_in_one_read():
    data = frame(MESSAGE) + frame(OTHER)
    reader = MllpReader(max_frame_bytes=1024)
    cut = len(frame(MESSAGE)) - 1  # the read ends between 0x1C and 0x0D
    first = reader.feed(data[:cut])
    second = reader.feed(data[cut:cut + 10])
    third = reader.feed(data[cut + 10:])
    assert (first, second, third) == ([], [Frame(MESSAGE)], [Frame(OTHER)])


def test_random_cuts_of_a_stream_give_the_same_frames():
    stream = b"".join(frame(m) for m in (MESSAGE, OTHER) * 20)
    generator = random.Random(21)
    for _ in range(50):
        sizes = [generator.randint(1, 200) for _ in range(len(stream) // 50)]
        reader = MllpReader(max_frame_bytes=1024)
        out = feed_in_pieces(reader, stream, sizes)
        assert frames(out) == [MESSAGE, OTHER] * 20
        assert problems(out) == []


def test_a_lone_0x1c_not_followed_by_0x0d_is_the_message_s_own_byte():
    message = b"MSH|a\x1cb|c\x1c"
    reader = MllpReader(max_frame_bytes=1024)
    assert reader.feed(frame(message)) == [Frame(message)]
    # the same with the read cut just after each 0x1C
    data = frame(message)
    cuts = [i + 1 for i, byte in enumerate(data) if byte == 0x1C]
    reader = MllpReader(max_frame_bytes=1024)
    assert feed_in_pieces(reader, data, [cuts[0], cuts[1] - cuts[0]]) == [Frame(message)]


def test_bytes_before_a_start_block_are_one_problem_and_discarded():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(b"\x00\xffGET / HTTP/1.1\r\n" + frame(MESSAGE))
    assert frames(out) == [MESSAGE]
    [problem] = problems(out)
    assert problem.kind is ProblemKind.GARBAGE
    assert problem.size == 18
    assert "18 bytes outside any frame" in problem.reason
    assert out.index(problem) == 0  # said before the frame after it


def test_garbage_across_reads_is_still_one_problem():
    reader = MllpReader(max_frame_bytes=1024)
    assert reader.feed(b"noise " * 10) == []
    assert reader.feed(b"more noise") == []
    out = reader.feed(frame(MESSAGE))
    assert [p.size for p in problems(out)] == [70]
    assert frames(out) == [MESSAGE]


def test_binary_garbage_alone_is_said_when_the_stream_ends():
    reader = MllpReader(max_frame_bytes=1024)
    garbage = bytes(random.Random(5).randrange(256) for _ in range(5000)).replace(b"\x0b", b"")
    assert problems(reader.feed(garbage)) == []
    [problem] = reader.finish()
    assert problem.kind is ProblemKind.GARBAGE
    assert problem.size == len(garbage)
    assert reader.finish() == []


def test_line_breaks_between_frames_are_not_garbage():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(frame(MESSAGE) + b"\r\n" + frame(OTHER) + b"\n")
    assert out == [Frame(MESSAGE), Frame(OTHER)]
    assert reader.finish() == []


def test_a_frame_without_its_end_is_pending_then_said_when_the_stream_ends():
    reader = MllpReader(max_frame_bytes=1024)
    assert reader.feed(b"\x0b" + MESSAGE) == []
    assert reader.pending_bytes == len(MESSAGE)
    [problem] = reader.finish()
    assert problem.kind is ProblemKind.UNFINISHED
    assert problem.size == len(MESSAGE)
    assert "without its end block" in problem.reason
    assert reader.pending_bytes == 0


def test_a_frame_ending_in_0x1c_alone_is_pending_with_it():
    reader = MllpReader(max_frame_bytes=1024)
    reader.feed(b"\x0b" + MESSAGE + b"\x1c")
    assert reader.pending_bytes == len(MESSAGE) + 1


def test_a_new_start_block_inside_an_unfinished_frame():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(b"\x0b" + MESSAGE[:20] + frame(OTHER))
    [problem] = problems(out)
    assert problem.kind is ProblemKind.UNFINISHED
    assert problem.size == 20
    assert "a new start block came first" in problem.reason
    assert frames(out) == [OTHER]
    assert out.index(problem) == 0


def test_a_lone_0x1c_then_a_start_block_is_an_unfinished_frame():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(b"\x0b" + MESSAGE + b"\x1c" + frame(OTHER))
    assert [p.kind for p in problems(out)] == [ProblemKind.UNFINISHED]
    assert frames(out) == [OTHER]


def test_an_empty_frame_is_a_problem():
    reader = MllpReader(max_frame_bytes=1024)
    out = reader.feed(b"\x0b\x1c\r" + frame(MESSAGE))
    assert [p.kind for p in problems(out)] == [ProblemKind.EMPTY]
    assert frames(out) == [MESSAGE]


def test_a_frame_past_the_bound_is_one_problem_and_discarded_up_to_the_next_start():
    reader = MllpReader(max_frame_bytes=len(MESSAGE) - 1)
    out = reader.feed(frame(MESSAGE) + b"trailing" + frame(b"MSH|small"))
    [problem] = problems(out)
    assert problem.kind is ProblemKind.OVERSIZED
    assert f"longer than {len(MESSAGE) - 1:,} bytes" in problem.reason
    assert frames(out) == [b"MSH|small"]


def test_a_frame_exactly_at_the_bound_is_taken():
    reader = MllpReader(max_frame_bytes=len(MESSAGE))
    assert reader.feed(frame(MESSAGE)) == [Frame(MESSAGE)]


def test_a_10_mb_frame_in_small_reads_holds_no_more_than_the_bound():
    bound = 64 * 1024
    reader = MllpReader(max_frame_bytes=bound)
    chunk = b"OBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC||120|mm[Hg]\r" * 64
    reads = 10 * 1024 * 1024 // len(chunk)
    out = reader.feed(b"\x0bMSH|^~\\&|BIG\r")
    tracemalloc.start()
    try:
        for _ in range(reads):
            out += reader.feed(chunk)
            assert reader.pending_bytes <= bound
        out += reader.feed(b"\x1c\r" + frame(MESSAGE))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.kind for p in problems(out)] == [ProblemKind.OVERSIZED]
    assert frames(out) == [MESSAGE]
    assert peak < 4 * bound


def test_a_large_frame_in_tiny_reads_takes_linear_time():
    """A frame of 2 MB in 64-byte reads: 32,768 reads. Scanning or copying what is held on
    every read would take minutes; once each byte, well under a second."""
    size = 2 * 1024 * 1024
    reader = MllpReader(max_frame_bytes=size + 1)
    data = frame(b"M" * size)
    started = time.perf_counter()
    out = feed_in_pieces(reader, data, [64] * (len(data) // 64))
    elapsed = time.perf_counter() - started
    assert [len(message) for message in frames(out)] == [size]
    assert elapsed < 5


def test_the_bound_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        MllpReader(max_frame_bytes=0)
