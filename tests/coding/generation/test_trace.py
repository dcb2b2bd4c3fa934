"""The trace stream's bus (codemm.md §11.4): live only, sanitised, truncated."""

import asyncio

from acelab.coding.trace import TraceBus


async def test_listeners_get_sanitised_events_of_their_session_only():
    bus = TraceBus(enabled=True)
    stream = bus.listen("s", idle_s=5)
    waiting = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    bus.publish("other", "generation.slot_started", slotIndex=0)
    bus.publish("s", "generation.attempt", slotIndex=0, text="the prompt", judgeStdout="out", note="x" * 2100)
    event = await asyncio.wait_for(waiting, 1)
    assert event["event"] == "generation.attempt" and event["sessionId"] == "s" and event["slotIndex"] == 0
    assert "text" not in event and "judgeStdout" not in event
    assert event["note"] == "x" * 2000 + "…(truncated)"
    await stream.aclose()


async def test_nothing_is_kept_when_disabled_or_unwatched():
    bus = TraceBus(enabled=False)
    bus.publish("s", "session.message.start")
    assert bus._listeners == {}
    stream = TraceBus(enabled=True).listen("s", idle_s=0.01)
    assert await asyncio.wait_for(anext(stream), 1) is None  # an idle tick, not an old event
    await stream.aclose()
