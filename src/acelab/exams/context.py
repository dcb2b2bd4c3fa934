"""What the exam services share within one process: limits from the settings, the question pools
(shared with practice) and the live feed. Built by create_app, kept on `app.state.exams`."""

from dataclasses import dataclass

from acelab.config import Settings
from acelab.exams.live import LiveFeed
from acelab.exams.papers import PaperChoicesCache
from acelab.questions.pools import QuestionPools

# Attempts whose paper choices a process keeps (a few kB each): an exam day's worth.
PAPER_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class ExamLimits:
    snapshot_max_bytes: int
    event_payload_max_bytes: int
    heartbeat_gap_s: int


@dataclass(frozen=True)
class ExamContext:
    limits: ExamLimits
    pools: QuestionPools
    papers: PaperChoicesCache
    feed: LiveFeed
    sweep_interval_s: float

    @classmethod
    def from_settings(cls, settings: Settings, *, pools: QuestionPools) -> "ExamContext":
        return cls(
            limits=ExamLimits(
                snapshot_max_bytes=settings.exam_snapshot_max_bytes,
                event_payload_max_bytes=settings.exam_event_payload_max_bytes,
                heartbeat_gap_s=settings.exam_heartbeat_gap_s,
            ),
            pools=pools,
            papers=PaperChoicesCache(size=PAPER_CACHE_SIZE),
            feed=LiveFeed(queue_size=settings.exam_live_queue_size),
            sweep_interval_s=settings.exam_sweep_interval_s,
        )
