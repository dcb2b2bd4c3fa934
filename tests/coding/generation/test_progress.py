"""The progress bus: replay, ids, resume after Last-Event-ID, heartbeats, terminal close (§11.2)."""

import asyncio

from acelab.coding.generation.progress import ProgressBus


async def _collect(bus: ProgressBus, session_id: str, **kwargs) -> list:
    return [e async for e in bus.listen(session_id, **kwargs) if e is not None]


async def test_replay_then_live_events_until_the_terminal_one():
    bus = ProgressBus()
    bus.begin_run("s")
    bus.publish("s", {"type": "generation_started"})
    listener = asyncio.create_task(_collect(bus, "s"))
    await asyncio.sleep(0)
    bus.publish("s", {"type": "heartbeat", "ts": "t"})
    bus.publish("s", {"type": "slot_completed", "slotIndex": 0})
    bus.publish("s", {"type": "generation_completed", "activityId": "a"})
    bus.publish("s", {"type": "generation_complete", "activityId": "a"})
    events = await asyncio.wait_for(listener, 1)
    assert [e.data["type"] for e in events] == [
        "generation_started", "heartbeat", "slot_completed", "generation_completed", "generation_complete",
    ]  # fmt: skip
    assert [e.id for e in events] == [1, 1, 2, 3, 4]  # a heartbeat carries the last event's id


async def test_a_late_listener_gets_the_replay_and_the_stream_ends_at_the_terminal_event():
    bus = ProgressBus()
    bus.begin_run("s")
    for event in ({"type": "generation_started"}, {"type": "generation_failed", "error": "x"}):
        bus.publish("s", event)
    events = await asyncio.wait_for(_collect(bus, "s"), 1)
    assert [e.data["type"] for e in events] == ["generation_started", "generation_failed"]


async def test_resume_after_last_event_id_skips_what_was_seen():
    bus = ProgressBus()
    bus.begin_run("s")
    for i in range(3):
        bus.publish("s", {"type": "slot_completed", "slotIndex": i})
    bus.publish("s", {"type": "generation_complete", "activityId": "a"})
    events = await asyncio.wait_for(_collect(bus, "s", after=2), 1)
    assert [e.id for e in events] == [3, 4]


async def test_a_new_run_forgets_the_failed_one_but_keeps_counting():
    bus = ProgressBus()
    bus.begin_run("s")
    bus.publish("s", {"type": "generation_failed", "error": "x"})
    bus.begin_run("s")
    bus.publish("s", {"type": "generation_started"})
    bus.publish("s", {"type": "generation_complete", "activityId": "a"})
    events = await asyncio.wait_for(_collect(bus, "s"), 1)
    assert [(e.id, e.data["type"]) for e in events] == [
        (2, "generation_started"),
        (3, "generation_complete"),
    ]


async def test_an_id_from_before_a_restart_replays_everything():
    bus = ProgressBus()
    bus.begin_run("s")
    bus.publish("s", {"type": "generation_complete", "activityId": "a"})
    events = await asyncio.wait_for(_collect(bus, "s", after=99), 1)
    assert [e.id for e in events] == [1]


async def test_idle_listeners_get_keepalive_ticks():
    bus = ProgressBus()
    stream = bus.listen("s", idle_s=0.01)
    assert await asyncio.wait_for(anext(stream), 1) is None
    await stream.aclose()


async def test_finished_channels_are_dropped_after_the_linger():
    bus = ProgressBus(linger_s=0.01)
    bus.begin_run("s")
    bus.publish("s", {"type": "generation_complete", "activityId": "a"})
    await asyncio.sleep(0.05)
    assert bus._channels == {}
