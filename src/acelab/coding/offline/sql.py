"""Offline SQL problems (SQLite): each template is one SqlTemplate (see base.py for the framework).

A case's input is one dataset, `{table: [row tuples in schema column order]}`, rendered as the
case's seed_sql; the oracle computes the expected rows from it in plain Python, independently of
the reference query. SQL problems are stdout style only (codemm.md §7.2 rule 4).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from acelab.coding.offline.base import Args, Case, Params, Problem, Rendering, fill, pick

Row = tuple[Any, ...]
Tables = dict[str, list[Row]]
_TABLE = re.compile(r"CREATE TABLE (\w+)")


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _seed(tables: Tables) -> str:
    return "\n".join(
        f"INSERT INTO {name} VALUES "
        + ", ".join("(" + ", ".join(map(_literal, row)) + ")" for row in rows)
        + ";"
        for name, rows in tables.items()
        if rows
    )


@dataclass(frozen=True, slots=True)
class SqlTemplate:
    problem: Problem  # inputs: [(tables,)]; oracle(params, tables) -> expected rows
    schema: str  # CREATE TABLE statements, `$params` substituted
    query: str  # the reference query
    columns: tuple[str, ...]  # result column names, `$params` substituted
    order_matters: bool
    styles: tuple[str, ...] = ("stdout",)

    def render(self, params: Params, style: str, cases: Sequence[Case]) -> Rendering:
        schema = fill(self.schema, params).strip()
        columns = [fill(c, params) for c in self.columns]
        listed = ", ".join(f"`{c}`" for c in columns)
        order = (
            "Order the rows exactly as described."
            if self.order_matters
            else "The rows may come in any order."
        )
        description = (
            f"{fill(self.problem.statement, params)}\n\nThe tables:\n\n{schema}\n\n"
            f"Write one read-only SQLite query that returns {fill(self.problem.answer, params)}, "
            f"with the columns {listed} in this order. {order}"
        )
        cases_json = [
            {
                "name": f"test_case_{i}",
                "seed_sql": _seed(case.args[0]),
                "expected": {"columns": columns, "rows": [list(row) for row in case.expected]},
                "order_matters": self.order_matters,
            }
            for i, case in enumerate(cases, 1)
        ]
        first_table = _TABLE.findall(schema)[0]
        return Rendering(
            description=description,
            starter_code=f"-- Return the columns: {', '.join(columns)}\nSELECT *\nFROM {first_table};",
            reference_solution=fill(self.query, params).strip(),
            test_suite=_suite_text(schema, cases_json),
            sample_inputs=[],
            sample_outputs=[],
        )


def _suite_text(schema: str, cases: list[dict[str, object]]) -> str:
    """The suite JSON with one case per line: compact, yet readable where it is shown."""
    lines = ",\n  ".join(json.dumps(c) for c in cases)
    return f'{{\n "schema_sql": {json.dumps(schema)},\n "cases": [\n  {lines}\n ]\n}}'


_WORDS = (
    "amber", "birch", "cedar", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper",
    "kestrel", "lumen", "maple", "nimbus", "onyx", "pebble", "quartz", "raven", "sable", "tundra",
    "umber", "vesper", "willow", "yarrow", "zephyr",
)  # fmt: skip
_PEOPLE = (
    "Ana", "Ben", "Chen", "Dara", "Emil", "Farah", "Goran", "Hiro", "Ines", "Jonas", "Kemi", "Luis",
    "Mira", "Noor", "Oren", "Pia", "Quinn", "Rosa", "Sami", "Tove",
)  # fmt: skip


def _names(rng: random.Random, n: int, pool: Sequence[str] = _WORDS) -> list[str]:
    return rng.sample(list(pool), n)


def _days(rng: random.Random, n: int, start: date, span: int) -> list[str]:
    return sorted((start + timedelta(days=d)).isoformat() for d in rng.sample(range(span), n))


def _share(n: int, groups: int) -> int:
    """Rows per group for a dataset of about n rows: none for an empty dataset, else at least one."""
    return 0 if n == 0 else max(1, n // groups)


def _datasets(
    rng: random.Random, make: Callable[[random.Random, int], Tables], sizes: Sequence[int]
) -> list[Args]:
    """One dataset per size (0 gives empty tables); make(rng, size) -> Tables."""
    return [(make(rng, size),) for size in sizes]


# ---- filtering ------------------------------------------------------------------------------

_SHOPS = [
    ("bookshop", "books", ("novel", "comic", "atlas", "poetry")),
    ("garden centre", "plants", ("herb", "shrub", "cactus", "fern")),
    ("music store", "instruments", ("strings", "brass", "drums", "keys")),
]


def _catalog_params(rng: random.Random) -> Params:
    shop, table, categories = rng.choice(_SHOPS)
    return {
        "shop": shop,
        "table": table,
        "categories": categories,
        "category": rng.choice(categories),
        "max_price": rng.randint(15, 40),
    }


def _catalog_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        rows: list[Row] = [
            (i + 1, name, rng.choice([p["category"], *p["categories"]]), rng.randint(5, 50))
            for i, name in enumerate(_names(rng, n))
        ]
        if n >= 3:  # a row exactly at the price limit, in the category
            rows[0] = (1, rows[0][1], p["category"], p["max_price"])
        return {p["table"]: rows}

    return _datasets(rng, make, (0, 1, 3, 5, 8, 10, 12, 15))


def _catalog_oracle(p: Params, tables: Tables) -> list[Row]:
    hits = [(r[1], r[3]) for r in tables[p["table"]] if r[2] == p["category"] and r[3] <= p["max_price"]]
    return sorted(hits, key=lambda r: (r[1], r[0]))


CATALOG = SqlTemplate(
    problem=Problem(
        slug="sql-affordable-items",
        title="Affordable $category Picks at the $shop",
        topics=("filtering", "filter", "where", "order by", "select"),
        difficulty="easy",
        statement=(
            "The $shop keeps its stock in the table `$table`: one row per item with its `name`, its "
            "`category` and its `price` in whole euros. A customer wants every item of the category "
            "'$category' that costs at most $max_price euros, cheapest first; items with the same "
            "price are listed by name."
        ),
        answer="the name and price of each such item",
        params=_catalog_params,
        inputs=_catalog_inputs,
        oracle=_catalog_oracle,
    ),
    schema="""
CREATE TABLE $table (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
                     price INTEGER NOT NULL);
""",
    query="""
SELECT name, price
FROM $table
WHERE category = '$category' AND price <= $max_price
ORDER BY price, name;
""",
    columns=("name", "price"),
    order_matters=True,
)


def _members_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        rows: list[Row] = []
        for i, name in enumerate(_names(rng, n, _PEOPLE)):
            phone = None if rng.random() < 0.5 else f"555-{rng.randint(1000, 9999)}"
            rows.append((i + 1, name, phone, rng.randint(p["year"] - 4, p["year"] + 3)))
        return {p["table"]: rows}

    return _datasets(rng, make, (0, 1, 2, 4, 6, 8, 10, 14))


def _members_oracle(p: Params, tables: Tables) -> list[Row]:
    return [(r[1],) for r in tables[p["table"]] if r[2] is None and r[3] < p["year"]]


NO_PHONE = SqlTemplate(
    problem=Problem(
        slug="sql-unreachable-members",
        title="Members the $club Cannot Call",
        topics=("filtering", "filter", "null", "where"),
        difficulty="easy",
        statement=(
            "The $club stores its members in `$table` with their `name`, their `phone` number "
            "(NULL when unknown) and the `joined` year. Before the reunion, the $club wants to "
            "write to every member who joined before $year and has no phone number on file. "
            "Remember that NULL is never equal to anything, not even to NULL."
        ),
        answer="the name of each such member",
        params=lambda rng: {
            **pick(
                rng,
                ("club", "table"),
                [("rowing club", "rowers"), ("choir", "singers"), ("chess club", "players")],
            ),
            "year": rng.randint(2012, 2020),
        },
        inputs=_members_inputs,
        oracle=_members_oracle,
    ),
    schema="""
CREATE TABLE $table (id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT, joined INTEGER NOT NULL);
""",
    query="""
SELECT name
FROM $table
WHERE phone IS NULL AND joined < $year;
""",
    columns=("name",),
    order_matters=False,
)

_TITLE_WORDS = ("Moon", "River", "Night", "Glass", "Storm", "Paper", "Silver", "Echo", "Harbor", "Winter")


def _titles_inputs(rng: random.Random, p: Params) -> list[Args]:
    def title() -> str:
        words = rng.sample(_TITLE_WORDS, rng.randint(1, 3))
        if rng.random() < 0.4:
            words.insert(0, p["prefix"])
        text = " ".join(words)
        return text.upper() if rng.random() < 0.2 else text

    def make(rng: random.Random, n: int) -> Tables:
        titles = sorted({title() for _ in range(n)})
        return {p["table"]: [(i + 1, t, rng.randint(1990, 2024)) for i, t in enumerate(titles)]}

    return _datasets(rng, make, (0, 1, 3, 5, 7, 9, 12, 16))


def _titles_oracle(p: Params, tables: Tables) -> list[Row]:
    hits = [(r[1], r[2]) for r in tables[p["table"]] if r[1].lower().startswith(p["prefix"].lower())]
    return sorted(hits, key=lambda r: (-r[1], r[0]))


TITLE_PREFIX = SqlTemplate(
    problem=Problem(
        slug="sql-title-prefix",
        title="$Kind Titles Starting with '$prefix'",
        topics=("filtering", "filter", "like", "pattern", "strings"),
        difficulty="easy",
        statement=(
            "The archive table `$table` lists $kinds with their `title` and release `year`. Find "
            "the $kinds whose title starts with '$prefix', ignoring upper/lower case (titles are "
            "plain letters and spaces), newest first; $kinds of the same year are ordered by title."
        ),
        answer="the title and year of each such entry",
        params=lambda rng: {
            **pick(
                rng,
                ("kind", "Kind", "kinds", "table"),
                [
                    ("film", "Film", "films", "films"),
                    ("album", "Album", "albums", "albums"),
                    ("podcast", "Podcast", "podcasts", "episodes"),
                ],
            ),
            "prefix": rng.choice(["The", "Blue", "Last", "Red"]),
        },
        inputs=_titles_inputs,
        oracle=_titles_oracle,
    ),
    schema="""
CREATE TABLE $table (id INTEGER PRIMARY KEY, title TEXT NOT NULL, year INTEGER NOT NULL);
""",
    query="""
SELECT title, year
FROM $table
WHERE title LIKE '$prefix%'
ORDER BY year DESC, title;
""",
    columns=("title", "year"),
    order_matters=True,
)


def _events_params(rng: random.Random) -> Params:
    venues = _names(rng, 4)
    first = date(2025, rng.randint(1, 11), rng.randint(1, 20))
    return {
        "venues": venues,
        "venue_a": venues[0],
        "venue_b": venues[1],
        "start": first.isoformat(),
        "end": (first + timedelta(days=rng.randint(7, 20))).isoformat(),
        "city": rng.choice(["Lisbon", "Tampere", "Ghent", "Kraków"]),
    }


def _events_inputs(rng: random.Random, p: Params) -> list[Args]:
    first = date.fromisoformat(p["start"])

    def make(rng: random.Random, n: int) -> Tables:
        rows: list[Row] = []
        for i, name in enumerate(_names(rng, n)):
            day = first + timedelta(days=rng.randint(-6, 28))
            rows.append((i + 1, f"{name} night", rng.choice(p["venues"]), day.isoformat()))
        if n >= 4:  # both ends of the date range are inclusive
            rows[0] = (1, rows[0][1], p["venue_a"], p["start"])
            rows[1] = (2, rows[1][1], p["venue_b"], p["end"])
        return {"events": rows}

    return _datasets(rng, make, (0, 1, 4, 6, 8, 10, 12, 16))


def _events_oracle(p: Params, tables: Tables) -> list[Row]:
    hits = [
        (r[1], r[3])
        for r in tables["events"]
        if r[2] in (p["venue_a"], p["venue_b"]) and p["start"] <= r[3] <= p["end"]
    ]
    return sorted(hits, key=lambda r: (r[1], r[0]))


EVENT_WINDOW = SqlTemplate(
    problem=Problem(
        slug="sql-events-in-range",
        title="What's On in $city",
        topics=("filtering", "filter", "between", "dates", "where"),
        difficulty="medium",
        statement=(
            "A $city listings site stores events in `events`: a `title`, the `venue` and the `day` "
            "as an ISO date text ('YYYY-MM-DD', so text order is date order). A reader follows the "
            "venues '$venue_a' and '$venue_b' and wants their events from $start to $end, both "
            "days included, in date order; events on the same day are ordered by title."
        ),
        answer="the title and day of each such event",
        params=_events_params,
        inputs=_events_inputs,
        oracle=_events_oracle,
    ),
    schema="""
CREATE TABLE events (id INTEGER PRIMARY KEY, title TEXT NOT NULL, venue TEXT NOT NULL, day TEXT NOT NULL);
""",
    query="""
SELECT title, day
FROM events
WHERE venue IN ('$venue_a', '$venue_b') AND day BETWEEN '$start' AND '$end'
ORDER BY day, title;
""",
    columns=("title", "day"),
    order_matters=True,
)


def _unsold_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        items = [(i + 1, name, rng.randint(3, 30)) for i, name in enumerate(_names(rng, max(2, n // 2 + 2)))]
        lines: list[Row] = []
        for i in range(n):
            product = None if rng.random() < 0.25 else rng.choice(items)[0]
            lines.append((i + 1, product, rng.randint(1, 4)))
        if n >= 3:  # a cancelled line (no product) makes NOT IN over the raw column return nothing
            lines[0] = (1, None, lines[0][2])
        return {p["items"]: items, "order_lines": lines}

    return _datasets(rng, make, (0, 3, 4, 5, 6, 8, 10, 12))


def _unsold_oracle(p: Params, tables: Tables) -> list[Row]:
    sold = {line[1] for line in tables["order_lines"]}
    return sorted((item[1], item[2]) for item in tables[p["items"]] if item[0] not in sold)


UNSOLD = SqlTemplate(
    problem=Problem(
        slug="sql-never-ordered",
        title="$Items Nobody Ordered",
        topics=("filtering", "filter", "not exists", "subquery", "null"),
        difficulty="hard",
        statement=(
            "A $shop keeps `$items` (id, name, price) and `order_lines` (id, product_id, qty). "
            "`order_lines.product_id` refers to `$items.id`, but it is NULL on cancelled lines. "
            "Find the $items that appear on no order line, ordered by name. Careful: "
            "`x NOT IN (subquery)` is never true when the subquery yields a NULL."
        ),
        answer="the `name` and `price` of each such item",
        params=lambda rng: pick(
            rng,
            ("shop", "items", "Items"),
            [
                ("candle maker", "candles", "Candles"),
                ("tea house", "teas", "Teas"),
                ("bike shop", "parts", "Parts"),
            ],
        ),
        inputs=_unsold_inputs,
        oracle=_unsold_oracle,
    ),
    schema="""
CREATE TABLE $items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL);
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, product_id INTEGER REFERENCES $items(id),
                          qty INTEGER NOT NULL);
""",
    query="""
SELECT i.name, i.price
FROM $items i
WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.product_id = i.id)
ORDER BY i.name;
""",
    columns=("name", "price"),
    order_matters=True,
)


# ---- joins ----------------------------------------------------------------------------------


def _pets_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        owners = [
            (i + 1, name, rng.choice(["north", "south"]))
            for i, name in enumerate(_names(rng, max(1, n // 2), _PEOPLE))
        ]
        pets = [
            (i + 1, name.capitalize(), rng.choice([p["species"], *p["species_list"]]), rng.choice(owners)[0])
            for i, name in enumerate(_names(rng, n))
        ]
        return {"owners": owners if n else [], "pets": pets}

    return _datasets(rng, make, (0, 1, 2, 4, 6, 8, 10, 13))


def _pets_oracle(p: Params, tables: Tables) -> list[Row]:
    owner = {o[0]: o[1] for o in tables["owners"]}
    return sorted((pet[1], owner[pet[3]]) for pet in tables["pets"] if pet[2] == p["species"])


PET_OWNERS = SqlTemplate(
    problem=Problem(
        slug="sql-pet-owners",
        title="Who Owns the ${species}s at the $clinic",
        topics=("joins", "join", "inner join", "foreign key"),
        difficulty="easy",
        statement=(
            "The $clinic keeps `owners` (id, name, district) and `pets` (id, name, species, "
            "owner_id), where `pets.owner_id` refers to `owners.id`. For a reminder letter it needs "
            "every pet of the species '$species' next to its owner's name, ordered by pet name."
        ),
        answer="the pet's name as `pet` and its owner's name as `owner`",
        params=lambda rng: {
            "clinic": rng.choice(["vet clinic", "pet hotel", "grooming salon"]),
            "species_list": ("cat", "dog", "rabbit", "parrot"),
            "species": rng.choice(["cat", "dog", "rabbit", "parrot"]),
        },
        inputs=_pets_inputs,
        oracle=_pets_oracle,
    ),
    schema="""
CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL, district TEXT NOT NULL);
CREATE TABLE pets (id INTEGER PRIMARY KEY, name TEXT NOT NULL, species TEXT NOT NULL,
                   owner_id INTEGER NOT NULL REFERENCES owners(id));
""",
    query="""
SELECT p.name AS pet, o.name AS owner
FROM pets p
JOIN owners o ON o.id = p.owner_id
WHERE p.species = '$species'
ORDER BY p.name;
""",
    columns=("pet", "owner"),
    order_matters=True,
)


def _orders_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        customers = (
            [(i + 1, name) for i, name in enumerate(_names(rng, max(1, n // 2 + 1), _PEOPLE))] if n else []
        )
        orders = (
            [(i + 1, rng.choice(customers)[0], rng.randint(5, 90)) for i in range(n)] if customers else []
        )
        return {"customers": customers, p["table"]: orders}

    return _datasets(rng, make, (0, 1, 3, 5, 7, 9, 12, 16))


def _orders_oracle(p: Params, tables: Tables) -> list[Row]:
    counts = {c[0]: 0 for c in tables["customers"]}
    for order in tables[p["table"]]:
        counts[order[1]] += 1
    rows = [(name, counts[cid]) for cid, name in tables["customers"]]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


ORDER_COUNTS = SqlTemplate(
    problem=Problem(
        slug="sql-orders-per-customer",
        title="$Table per Customer, Including the Quiet Ones",
        topics=("joins", "join", "left join", "outer join", "aggregation", "group by"),
        difficulty="medium",
        statement=(
            "A $business keeps `customers` (id, name) and `$table` (id, customer_id, amount), "
            "where `$table.customer_id` refers to `customers.id`. Marketing wants every customer "
            "with the number of $table they placed, including customers with none, busiest first; "
            "customers with the same count are ordered by name."
        ),
        answer="the customer's name and the count as `$count_col`",
        params=lambda rng: {
            **pick(
                rng,
                ("business", "table", "Table"),
                [
                    ("food delivery app", "deliveries", "Deliveries"),
                    ("print shop", "jobs", "Jobs"),
                    ("bike repair shop", "repairs", "Repairs"),
                ],
            ),
            "count_col": rng.choice(["order_count", "total_orders", "n_orders"]),
        },
        inputs=_orders_inputs,
        oracle=_orders_oracle,
    ),
    schema="""
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE $table (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                     amount INTEGER NOT NULL);
""",
    query="""
SELECT c.name, COUNT(t.id) AS $count_col
FROM customers c
LEFT JOIN $table t ON t.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY $count_col DESC, c.name;
""",
    columns=("name", "$count_col"),
    order_matters=True,
)


def _enrol_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        students = [(i + 1, name) for i, name in enumerate(_names(rng, max(2, n // 2), _PEOPLE))]
        courses = [
            (
                i + 1,
                f"{word.capitalize()} {rng.choice(['I', 'II', 'Lab'])}",
                p["dept"] if i < 2 else rng.choice(p["depts"]),
            )
            for i, word in enumerate(_names(rng, 4))
        ]
        pairs = rng.sample([(s[0], c[0]) for s in students for c in courses], min(n, len(students) * 4))
        enrolments = [(s, c, rng.randint(40, 100)) for s, c in pairs]
        return {"students": students, "courses": courses, "enrolments": enrolments}

    return _datasets(rng, make, (0, 1, 3, 5, 7, 9, 12, 16))


def _enrol_oracle(p: Params, tables: Tables) -> list[Row]:
    student = {s[0]: s[1] for s in tables["students"]}
    course = {c[0]: c for c in tables["courses"]}
    return [
        (student[e[0]], course[e[1]][1], e[2])
        for e in tables["enrolments"]
        if course[e[1]][2] == p["dept"] and e[2] >= p["min_grade"]
    ]


HONOUR_ROLL = SqlTemplate(
    problem=Problem(
        slug="sql-honour-roll",
        title="$dept Honour Roll",
        topics=("joins", "join", "inner join", "multiple tables", "filtering"),
        difficulty="medium",
        statement=(
            "A $school stores `students` (id, name), `courses` (id, title, dept) and `enrolments` "
            "(student_id, course_id, grade), where the enrolment columns refer to the ids of the "
            "other two tables. The $dept department publishes an honour roll: every enrolment in "
            "one of its courses with a grade of at least $min_grade."
        ),
        answer="the student's name as `student`, the course title as `course` and the `grade`",
        params=lambda rng: {
            "school": rng.choice(["language school", "community college", "summer academy"]),
            "depts": ("Maths", "Music", "Biology"),
            "dept": rng.choice(["Maths", "Music", "Biology"]),
            "min_grade": rng.randint(65, 85),
        },
        inputs=_enrol_inputs,
        oracle=_enrol_oracle,
    ),
    schema="""
CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE courses (id INTEGER PRIMARY KEY, title TEXT NOT NULL, dept TEXT NOT NULL);
CREATE TABLE enrolments (student_id INTEGER NOT NULL REFERENCES students(id),
                         course_id INTEGER NOT NULL REFERENCES courses(id),
                         grade INTEGER NOT NULL, PRIMARY KEY (student_id, course_id));
""",
    query="""
SELECT s.name AS student, c.title AS course, e.grade
FROM enrolments e
JOIN students s ON s.id = e.student_id
JOIN courses c ON c.id = e.course_id
WHERE c.dept = '$dept' AND e.grade >= $min_grade;
""",
    columns=("student", "course", "grade"),
    order_matters=False,
)


def _complete_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        products = [
            (i + 1, word, p["category"] if i < 2 or rng.random() < 0.3 else rng.choice(["misc", "sale"]))
            for i, word in enumerate(_names(rng, 6))
        ]
        wanted = [pr[0] for pr in products if pr[2] == p["category"]]
        purchases: list[tuple[str, int]] = []
        for name in _names(rng, max(1, n // 2), _PEOPLE):
            bought = (
                wanted if rng.random() < 0.4 else rng.sample([pr[0] for pr in products], rng.randint(1, 5))
            )
            purchases += [(name, pid) for pid in bought]
            if rng.random() < 0.3:  # buying the same product twice changes nothing
                purchases.append((name, bought[0]))
        rows = purchases if n else []
        return {"products": products, "purchases": [(i + 1, c, pid) for i, (c, pid) in enumerate(rows)]}

    return _datasets(rng, make, (0, 1, 2, 4, 6, 8, 10, 14))


def _complete_oracle(p: Params, tables: Tables) -> list[Row]:
    wanted = {pr[0] for pr in tables["products"] if pr[2] == p["category"]}
    bought: dict[str, set[int]] = defaultdict(set)
    for _, customer, pid in tables["purchases"]:
        bought[customer].add(pid)
    return sorted((c,) for c, ids in bought.items() if wanted <= ids)


COMPLETE_SET = SqlTemplate(
    problem=Problem(
        slug="sql-complete-collection",
        title="Collectors of Every $category Item",
        topics=("joins", "join", "subquery", "division", "not exists", "aggregation"),
        difficulty="hard",
        statement=(
            "A $store records `products` (id, name, category) and `purchases` (id, customer, "
            "product_id), where `purchases.product_id` refers to `products.id`; a customer may buy "
            "the same product more than once. The category '$category' always has at least one "
            "product. Find the customers (among those with purchases) who bought every product of "
            "the category '$category', in alphabetical order."
        ),
        answer="the name of each such customer as `customer`",
        params=lambda rng: {
            "store": rng.choice(["sticker shop", "board game café", "tea house"]),
            "category": rng.choice(["limited", "seasonal", "classic"]),
        },
        inputs=_complete_inputs,
        oracle=_complete_oracle,
    ),
    schema="""
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL);
CREATE TABLE purchases (id INTEGER PRIMARY KEY, customer TEXT NOT NULL,
                        product_id INTEGER NOT NULL REFERENCES products(id));
""",
    query="""
SELECT pu.customer
FROM purchases pu
JOIN products pr ON pr.id = pu.product_id
WHERE pr.category = '$category'
GROUP BY pu.customer
HAVING COUNT(DISTINCT pu.product_id) = (SELECT COUNT(*) FROM products WHERE category = '$category')
ORDER BY pu.customer;
""",
    columns=("customer",),
    order_matters=True,
)

# ---- aggregation ----------------------------------------------------------------------------


def _reviews_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        places = _names(rng, rng.randint(1, 4))
        return {"reviews": [(i + 1, rng.choice(places).capitalize(), rng.randint(1, 5)) for i in range(n)]}

    return _datasets(rng, make, (0, 1, 3, 5, 8, 11, 14, 18))


def _reviews_oracle(p: Params, tables: Tables) -> list[Row]:
    stars: dict[str, list[int]] = defaultdict(list)
    for _, place, s in tables["reviews"]:
        stars[place].append(s)
    return sorted((place, len(s), max(s)) for place, s in stars.items())


REVIEW_SUMMARY = SqlTemplate(
    problem=Problem(
        slug="sql-review-summary",
        title="Review Summary for the $guide",
        topics=("aggregation", "aggregate", "group by", "count", "max"),
        difficulty="easy",
        statement=(
            "The $guide stores one row per review in `reviews`: the reviewed `$place_col` and the "
            "number of `stars` (1 to 5). Summarise the reviews per $place_col: how many reviews it "
            "has and its best star rating, ordered by $place_col."
        ),
        answer="the `$place_col`, the number of reviews as `review_count` and the best rating as `best`",
        params=lambda rng: pick(
            rng,
            ("guide", "place_col"),
            [("city food guide", "restaurant"), ("hiking forum", "trail"), ("campsite portal", "campsite")],
        ),
        inputs=_reviews_inputs,
        oracle=_reviews_oracle,
    ),
    schema="""
CREATE TABLE reviews (id INTEGER PRIMARY KEY, $place_col TEXT NOT NULL, stars INTEGER NOT NULL);
""",
    query="""
SELECT $place_col, COUNT(*) AS review_count, MAX(stars) AS best
FROM reviews
GROUP BY $place_col
ORDER BY $place_col;
""",
    columns=("$place_col", "review_count", "best"),
    order_matters=True,
)


def _revenue_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        products = _names(rng, rng.randint(2, 5))
        return {
            "sales": [(i + 1, rng.choice(products), rng.randint(1, 6), rng.randint(2, 20)) for i in range(n)]
        }

    return _datasets(rng, make, (0, 1, 3, 6, 9, 12, 15, 20))


def _revenue_oracle(p: Params, tables: Tables) -> list[Row]:
    revenue: dict[str, int] = defaultdict(int)
    for _, product, qty, price in tables["sales"]:
        revenue[product] += qty * price
    rows = [(product, total) for product, total in revenue.items() if total >= p["min_revenue"]]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


BEST_SELLERS = SqlTemplate(
    problem=Problem(
        slug="sql-best-sellers",
        title="Products Worth Restocking at the $market",
        topics=("aggregation", "aggregate", "group by", "having", "sum"),
        difficulty="medium",
        statement=(
            "The $market logs each sale in `sales`: the `product`, the `qty` sold and the "
            "`unit_price` in whole euros. The revenue of a product is the sum of qty × unit_price "
            "over its sales. List the products whose revenue is at least $min_revenue euros, "
            "highest revenue first; equal revenues are ordered by product."
        ),
        answer="the `product` and its revenue as `revenue`",
        params=lambda rng: {
            "market": rng.choice(["farmers' market stall", "school canteen", "museum shop"]),
            "min_revenue": rng.randint(40, 120),
        },
        inputs=_revenue_inputs,
        oracle=_revenue_oracle,
    ),
    schema="""
CREATE TABLE sales (id INTEGER PRIMARY KEY, product TEXT NOT NULL, qty INTEGER NOT NULL,
                    unit_price INTEGER NOT NULL);
""",
    query="""
SELECT product, SUM(qty * unit_price) AS revenue
FROM sales
GROUP BY product
HAVING SUM(qty * unit_price) >= $min_revenue
ORDER BY revenue DESC, product;
""",
    columns=("product", "revenue"),
    order_matters=True,
)


def _monthly_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        items = _names(rng, rng.randint(2, 4))
        days = [date(2025, rng.randint(1, 4), rng.randint(1, 28)).isoformat() for _ in range(n)]
        rows: list[Row] = [
            (i + 1, d, rng.choice(items), rng.randint(1, 5)) for i, d in enumerate(sorted(days))
        ]
        if n >= 4:  # a tie for the month of the first sale: the alphabetically first item wins
            month = rows[0][1][:7]
            rows[1] = (2, f"{month}-28", items[1], rows[0][3])
            rows[0] = (1, rows[0][1], items[0], rows[0][3])
        return {"sales": rows}

    return _datasets(rng, make, (0, 1, 4, 6, 9, 12, 16, 20))


def _monthly_oracle(p: Params, tables: Tables) -> list[Row]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, day, item, qty in tables["sales"]:
        totals[day[:7]][item] += qty
    rows = []
    for month, per_item in totals.items():
        item, qty = min(per_item.items(), key=lambda kv: (-kv[1], kv[0]))
        rows.append((month, item, qty))
    return sorted(rows)


MONTHLY_TOP = SqlTemplate(
    problem=Problem(
        slug="sql-top-item-per-month",
        title="Top $item_word of Each Month",
        topics=("aggregation", "aggregate", "group by", "window", "row_number", "cte"),
        difficulty="hard",
        statement=(
            "A $shop logs sales in `sales`: the `day` as an ISO date text ('YYYY-MM-DD'), the "
            "`item` and the `qty` sold. For every month that has sales (the month is the first 7 "
            "characters of `day`), find the item with the largest total quantity that month; when "
            "items tie, the alphabetically first one wins. Order the result by month."
        ),
        answer="the `month` ('YYYY-MM'), the winning `item` and its total as `total_qty`",
        params=lambda rng: pick(
            rng,
            ("shop", "item_word"),
            [("bakery", "Bread"), ("flower stand", "Bouquet"), ("ice-cream van", "Flavour")],
        ),
        inputs=_monthly_inputs,
        oracle=_monthly_oracle,
    ),
    schema="""
CREATE TABLE sales (id INTEGER PRIMARY KEY, day TEXT NOT NULL, item TEXT NOT NULL, qty INTEGER NOT NULL);
""",
    query="""
WITH monthly AS (
  SELECT substr(day, 1, 7) AS month, item, SUM(qty) AS total_qty
  FROM sales
  GROUP BY substr(day, 1, 7), item
), ranked AS (
  SELECT month, item, total_qty,
         ROW_NUMBER() OVER (PARTITION BY month ORDER BY total_qty DESC, item) AS pos
  FROM monthly
)
SELECT month, item, total_qty
FROM ranked
WHERE pos = 1
ORDER BY month;
""",
    columns=("month", "item", "total_qty"),
    order_matters=True,
)

# ---- window functions -----------------------------------------------------------------------


def _queue_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        rows: list[Row] = []
        for i, name in enumerate(_names(rng, n, _PEOPLE)):
            minute = rng.randint(0, 40)
            rows.append((i + 1, name, f"{9 + minute // 60:02d}:{minute % 60:02d}"))
        rng.shuffle(rows)
        return {"arrivals": rows}

    return _datasets(rng, make, (0, 1, 2, 4, 6, 8, 11, 15))


def _queue_oracle(p: Params, tables: Tables) -> list[Row]:
    ordered = sorted(tables["arrivals"], key=lambda r: (r[2], r[0]))
    return [(row[1], row[2], pos) for pos, row in enumerate(ordered, 1)]


QUEUE_NUMBERS = SqlTemplate(
    problem=Problem(
        slug="sql-queue-numbers",
        title="Queue Numbers at the $desk",
        topics=("window functions", "window", "row_number", "numbering"),
        difficulty="easy",
        statement=(
            "The $desk logs `arrivals`: an `id`, the visitor's `name` and the arrival time `at` "
            "as 'HH:MM' text (text order is time order). Give every visitor a queue number: 1 for "
            "the earliest arrival, 2 for the next, and so on; visitors arriving at the same minute "
            "are numbered by id. List the visitors in queue order."
        ),
        answer="the `name`, the arrival time `at` and the queue number as `$number_col`",
        params=lambda rng: {
            "desk": rng.choice(["passport office", "museum cloakroom", "clinic reception"]),
            "number_col": rng.choice(["queue_no", "position", "ticket_no"]),
        },
        inputs=_queue_inputs,
        oracle=_queue_oracle,
    ),
    schema="""
CREATE TABLE arrivals (id INTEGER PRIMARY KEY, name TEXT NOT NULL, at TEXT NOT NULL);
""",
    query="""
SELECT name, at, ROW_NUMBER() OVER (ORDER BY at, id) AS $number_col
FROM arrivals
ORDER BY $number_col;
""",
    columns=("name", "at", "$number_col"),
    order_matters=True,
)


def _running_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        accounts = _names(rng, rng.randint(1, 3))
        rows: list[Row] = []
        for account in accounts:
            for day in sorted(rng.sample(range(1, 31), _share(n, len(accounts)))):
                rows.append((len(rows) + 1, account, day, rng.randint(-40, 60)))
        return {p["table"]: rows}

    return _datasets(rng, make, (0, 1, 3, 5, 7, 9, 12, 15))


def _running_oracle(p: Params, tables: Tables) -> list[Row]:
    rows: list[Row] = []
    totals: dict[str, int] = defaultdict(int)
    for _, account, day, amount in sorted(tables[p["table"]], key=lambda r: (r[1], r[2])):
        totals[account] += amount
        rows.append((account, day, amount, totals[account]))
    return rows


RUNNING_BALANCE = SqlTemplate(
    problem=Problem(
        slug="sql-running-balance",
        title="Running Balance of Each $holder",
        topics=("window functions", "window", "running total", "partition by", "sum"),
        difficulty="medium",
        statement=(
            "A $app records money movements in `$table`: the `$holder_col`, the `day` of the month "
            "(each $holder_col has at most one movement per day) and the `amount` (negative for "
            "spending). Show every movement together with the $holder_col's balance after it, i.e. "
            "the sum of its amounts up to and including that day. Order by $holder_col, then day."
        ),
        answer="the `$holder_col`, `day`, `amount` and the balance as `balance`",
        params=lambda rng: pick(
            rng,
            ("app", "table", "holder", "holder_col"),
            [
                ("pocket-money app", "movements", "Child", "child"),
                ("club treasury tool", "ledger", "Team", "team"),
                ("shared-flat budget", "entries", "Flatmate", "flatmate"),
            ],
        ),
        inputs=_running_inputs,
        oracle=_running_oracle,
    ),
    schema="""
CREATE TABLE $table (id INTEGER PRIMARY KEY, $holder_col TEXT NOT NULL, day INTEGER NOT NULL,
                     amount INTEGER NOT NULL, UNIQUE ($holder_col, day));
""",
    query="""
SELECT $holder_col, day, amount,
       SUM(amount) OVER (PARTITION BY $holder_col ORDER BY day) AS balance
FROM $table
ORDER BY $holder_col, day;
""",
    columns=("$holder_col", "day", "amount", "balance"),
    order_matters=True,
)


def _podium_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        teams = _names(rng, rng.randint(1, 3))
        players = _names(rng, n, _PEOPLE)
        return {
            "results": [(i + 1, name, rng.choice(teams), rng.randint(3, 9)) for i, name in enumerate(players)]
        }

    return _datasets(rng, make, (0, 1, 3, 6, 8, 11, 14, 18))


def _podium_oracle(p: Params, tables: Tables) -> list[Row]:
    rows = []
    for _, player, team, points in tables["results"]:
        rank = 1 + sum(1 for r in tables["results"] if r[2] == team and r[3] > points)
        if rank <= p["k"]:
            rows.append((team, player, points, rank))
    return rows


TEAM_PODIUM = SqlTemplate(
    problem=Problem(
        slug="sql-team-podium",
        title="Top $k of Every Team in the $league",
        topics=("window functions", "window", "rank", "partition by", "top n"),
        difficulty="medium",
        statement=(
            "The $league stores season results in `results`: each `player`, their `team` and their "
            "`points`. Within each team, players are ranked by points, highest first; players with "
            "equal points share a rank and the next rank is skipped (as with RANK()). List every "
            "player whose rank within their team is $k or better."
        ),
        answer="the `team`, `player`, `points` and the rank as `team_rank`",
        params=lambda rng: {
            "league": rng.choice(["darts league", "trivia league", "bowling league"]),
            "k": rng.randint(1, 3),
        },
        inputs=_podium_inputs,
        oracle=_podium_oracle,
    ),
    schema="""
CREATE TABLE results (id INTEGER PRIMARY KEY, player TEXT NOT NULL, team TEXT NOT NULL,
                      points INTEGER NOT NULL);
""",
    query="""
SELECT team, player, points, team_rank
FROM (
  SELECT team, player, points, RANK() OVER (PARTITION BY team ORDER BY points DESC) AS team_rank
  FROM results
)
WHERE team_rank <= $k;
""",
    columns=("team", "player", "points", "team_rank"),
    order_matters=False,
)


def _jumps_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        stations = _names(rng, rng.randint(1, 3))
        rows: list[Row] = []
        for station in stations:
            level = rng.randint(20, 60)
            for day in _days(rng, _share(n, len(stations)), date(2025, 3, 1), 40):
                level = max(0, level + rng.randint(-6, 15))
                rows.append((len(rows) + 1, station, day, level))
        return {"readings": rows}

    return _datasets(rng, make, (0, 2, 4, 6, 8, 10, 13, 16))


def _jumps_oracle(p: Params, tables: Tables) -> list[Row]:
    rows: list[Row] = []
    last: dict[str, int] = {}
    for _, station, day, level in sorted(tables["readings"], key=lambda r: (r[1], r[2])):
        if station in last and level - last[station] > p["jump"]:
            rows.append((station, day, level - last[station]))
        last[station] = level
    return rows


LEVEL_JUMPS = SqlTemplate(
    problem=Problem(
        slug="sql-sudden-rises",
        title="Sudden Rises at the $network Stations",
        topics=("window functions", "window", "lag", "partition by", "time series"),
        difficulty="hard",
        statement=(
            "The $network stores `readings`: the `station`, the `day` as an ISO date text and the "
            "water `level` in centimetres (at most one reading per station and day; readings are "
            "not daily). A *sudden rise* is a reading whose level exceeds the same station's "
            "previous reading (the latest earlier day) by more than $jump cm. List the sudden rises "
            "ordered by station, then day."
        ),
        answer="the `station`, the `day` and the increase as `rise`",
        params=lambda rng: {
            "network": rng.choice(["flood-warning", "canal authority", "reservoir"]),
            "jump": rng.randint(4, 9),
        },
        inputs=_jumps_inputs,
        oracle=_jumps_oracle,
    ),
    schema="""
CREATE TABLE readings (id INTEGER PRIMARY KEY, station TEXT NOT NULL, day TEXT NOT NULL,
                       level INTEGER NOT NULL, UNIQUE (station, day));
""",
    query="""
SELECT station, day, rise
FROM (
  SELECT station, day,
         level - LAG(level) OVER (PARTITION BY station ORDER BY day) AS rise
  FROM readings
)
WHERE rise > $jump
ORDER BY station, day;
""",
    columns=("station", "day", "rise"),
    order_matters=True,
)


def _streak_inputs(rng: random.Random, p: Params) -> list[Args]:
    def make(rng: random.Random, n: int) -> Tables:
        users = _names(rng, rng.randint(1, 3), _PEOPLE)
        rows: list[Row] = []
        for user in users:
            days: set[date] = set()
            while len(days) < _share(n, len(users)):
                start = date(2025, 5, 1) + timedelta(days=rng.randint(0, 40))
                days.update(start + timedelta(days=d) for d in range(rng.randint(1, 4)))
            rows += [(len(rows) + i + 1, user, d.isoformat()) for i, d in enumerate(sorted(days))]
        return {p["table"]: rows}

    return _datasets(rng, make, (0, 1, 3, 5, 8, 11, 14, 18))


def _streak_oracle(p: Params, tables: Tables) -> list[Row]:
    days: dict[str, set[date]] = defaultdict(set)
    for _, user, day in tables[p["table"]]:
        days[user].add(date.fromisoformat(day))
    rows = []
    for user, seen in days.items():
        best = max(
            next(k for k in range(1, len(seen) + 2) if d + timedelta(days=k) not in seen)
            for d in seen
            if d - timedelta(days=1) not in seen
        )
        rows.append((user, best))
    return sorted(rows)


LONGEST_STREAK = SqlTemplate(
    problem=Problem(
        slug="sql-longest-streak",
        title="Longest $activity Streak",
        topics=("window functions", "window", "row_number", "gaps and islands", "streak", "aggregation"),
        difficulty="hard",
        statement=(
            "A $app logs one row in `$table` for each day a `user` did their $activity, with the "
            "`day` as an ISO date text (never two rows for the same user and day). A streak is a "
            "run of consecutive calendar days. Find each user's longest streak, ordered by user. "
            "Hint: within a streak, `julianday(day)` minus the row's position in date order is "
            "constant."
        ),
        answer="the `user` and the length of their longest streak as `longest`",
        params=lambda rng: pick(
            rng,
            ("app", "table", "activity"),
            [
                ("language app", "lessons", "practice"),
                ("fitness tracker", "workouts", "workout"),
                ("reading club", "reading_log", "reading"),
            ],
        ),
        inputs=_streak_inputs,
        oracle=_streak_oracle,
    ),
    schema="""
CREATE TABLE $table (id INTEGER PRIMARY KEY, user TEXT NOT NULL, day TEXT NOT NULL, UNIQUE (user, day));
""",
    query="""
WITH numbered AS (
  SELECT user, day,
         julianday(day) - ROW_NUMBER() OVER (PARTITION BY user ORDER BY day) AS island
  FROM $table
), streaks AS (
  SELECT user, island, COUNT(*) AS length
  FROM numbered
  GROUP BY user, island
)
SELECT user, MAX(length) AS longest
FROM streaks
GROUP BY user
ORDER BY user;
""",
    columns=("user", "longest"),
    order_matters=True,
)

TEMPLATES: tuple[SqlTemplate, ...] = (
    CATALOG,
    NO_PHONE,
    TITLE_PREFIX,
    EVENT_WINDOW,
    UNSOLD,
    PET_OWNERS,
    ORDER_COUNTS,
    HONOUR_ROLL,
    COMPLETE_SET,
    REVIEW_SUMMARY,
    BEST_SELLERS,
    MONTHLY_TOP,
    QUEUE_NUMBERS,
    RUNNING_BALANCE,
    TEAM_PODIUM,
    LEVEL_JUMPS,
    LONGEST_STREAK,
)
