"""The planner (codemm.md §9): ActivitySpec → ProblemSlots, deterministic."""

import pytest

from acelab.coding.generation.slots import Pedagogy, ProblemSlot
from acelab.coding.planner import PlanError, pedagogy_policy, plan_activity, plan_json
from acelab.coding.spec.model import ActivitySpec, PlanItem, parse_activity_spec

CONSTRAINTS = "Java 17, JUnit 5, no package declarations."


def spec(count=4, plan=(("hard", 1), ("easy", 2), ("medium", 1)), tags=("strings", "arrays", "graphs")):
    return ActivitySpec(
        language="java",
        problem_count=count,
        difficulty_plan=tuple(PlanItem(d, n) for d, n in plan),
        topic_tags=tuple(tags),
        problem_style="return",
        constraints=CONSTRAINTS,
    )


class TestPractice:
    def test_difficulties_go_easy_to_hard_and_topics_round_robin_in_the_user_s_order(self):
        slots = plan_activity(spec())
        assert [(s.index, s.difficulty, s.topics) for s in slots] == [
            (0, "easy", ("strings",)),
            (1, "easy", ("arrays",)),
            (2, "medium", ("graphs",)),
            (3, "hard", ("strings",)),
        ]
        assert all(
            (s.language, s.problem_style, s.constraints, s.test_case_count, s.pedagogy)
            == ("java", "return", CONSTRAINTS, 8, None)
            for s in slots
        )

    def test_the_same_spec_gives_the_same_plan(self):
        assert plan_activity(spec()) == plan_activity(spec())

    def test_a_plan_that_does_not_add_up_is_refused(self):
        with pytest.raises(PlanError, match=r"must sum to problem_count \(5\)\. Got 4\."):
            plan_activity(spec(count=5))

    def test_the_persisted_slot_shape(self):
        body = plan_json(plan_activity(spec(count=1, plan=(("easy", 1),)), learning_mode="guided"))
        assert body == [
            {
                "index": 0,
                "difficulty": "easy",
                "topics": ["arrays"],
                "language": "java",
                "problem_style": "return",
                "constraints": CONSTRAINTS,
                "test_case_count": 8,
                "pedagogy": {"scaffold_level": 80, "learning_goal": "arrays", "hints_enabled": True},
            }
        ]

    def test_plans_from_a_stored_spec(self):
        stored = {
            "test_case_count": 8,
            "version": "1.0",
            "constraints": CONSTRAINTS,
            "language": "java",
            "problem_count": 1,
            "difficulty_plan": [{"difficulty": "medium", "count": 1}],
            "topic_tags": ["loops"],
            "problem_style": "stdout",
        }
        assert plan_activity(parse_activity_spec(stored)) == [
            ProblemSlot(
                index=0,
                difficulty="medium",
                topics=("loops",),
                language="java",
                problem_style="stdout",
                constraints=CONSTRAINTS,
            )
        ]


class TestGuided:
    def test_without_a_profile_topics_are_alphabetical_with_hints(self):
        slots = plan_activity(spec(), learning_mode="guided")
        assert [s.topics[0] for s in slots] == ["arrays", "graphs", "strings", "arrays"]
        assert [s.pedagogy for s in slots] == [
            Pedagogy(80, "arrays", True),
            Pedagogy(60, "graphs", True),
            Pedagogy(30, "strings", True),
            Pedagogy(10, "arrays", True),
        ]

    def test_weakest_topics_come_first(self):
        mastery = {"arrays": 0.9, "strings": 0.2}  # graphs unknown: 0.5
        slots = plan_activity(spec(), learning_mode="guided", mastery=mastery)
        assert [s.topics[0] for s in slots] == ["strings", "graphs", "arrays", "strings"]

    # Ported from unit/planner/guidedPedagogyPolicy.test.js.
    def test_the_scaffold_curve_does_not_depend_on_mastery(self):
        for level in (0.1, 0.95):
            policy = pedagogy_policy(spec(), dict.fromkeys(("strings", "arrays", "graphs"), level))
            assert policy.scaffold_curve == (80, 60, 30, 10)

    def test_hints_follow_mastery(self):
        tags = ("strings", "arrays", "graphs")
        assert pedagogy_policy(spec(), dict.fromkeys(tags, 0.1)).hints_enabled is True
        assert pedagogy_policy(spec(), dict.fromkeys(tags, 0.95)).hints_enabled is False

    def test_seven_problems_use_the_whole_curve(self):
        policy = pedagogy_policy(spec(count=7, plan=(("easy", 7),)))
        assert policy.scaffold_curve == (80, 60, 30, 10, 10, 10, 10)
