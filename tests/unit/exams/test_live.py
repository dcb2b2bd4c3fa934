"""The in-process live feed: filtering, and closing a stream that falls behind."""

from acelab.exams.live import EVENT, HEARTBEAT, LiveFeed, LiveMessage


def message(kind: str, *, user: str = "u1", session: str = "s1", n: int = 0) -> LiveMessage:
    return LiveMessage(kind=kind, user_id=user, session_id=session, data={"n": n})


class TestLiveFeed:
    async def test_a_filtered_stream_gets_its_sessions_heartbeats_an_unfiltered_one_does_not(self):
        feed = LiveFeed(queue_size=10)
        everything = feed.subscribe(user_id=None, session_id=None)
        one = feed.subscribe(user_id=None, session_id="s1")
        feed.publish(message(HEARTBEAT))
        feed.publish(message(HEARTBEAT, session="s2"))
        feed.publish(message(EVENT, session="s2"))
        assert (await one.next()) == message(HEARTBEAT)
        assert one.queue.empty()
        assert (await everything.next()) == message(EVENT, session="s2")
        assert everything.queue.empty()

    async def test_a_stream_that_falls_behind_gets_its_backlog_then_ends(self):
        feed = LiveFeed(queue_size=3)
        slow = feed.subscribe(user_id=None, session_id=None)
        for n in range(5):
            feed.publish(message(EVENT, n=n))
        assert [(await slow.next()).data["n"] for _ in range(3)] == [0, 1, 2]  # type: ignore[union-attr]
        assert await slow.next() is None
        feed.unsubscribe(slow)
        assert feed.subscribers == 0
