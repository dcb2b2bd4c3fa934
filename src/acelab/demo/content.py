"""The demo package: two banks, six topics, 48 original questions with explanations, three templates.

Written for acelab; every code snippet behaves as its question says under Python 3. The correct
choice sits at different positions, so answering the first choice every time scores a mix.
"""

from dataclasses import dataclass

EASY, MEDIUM, HARD = "easy", "medium", "hard"


@dataclass(frozen=True)
class DemoQuestion:
    difficulty: str
    prompt: str
    choices: tuple[str, str, str, str]
    correct: int  # index into choices
    explanation: str


@dataclass(frozen=True)
class DemoTopic:
    name: str
    questions: tuple[DemoQuestion, ...]


@dataclass(frozen=True)
class DemoBank:
    name: str
    topics: tuple[DemoTopic, ...]


@dataclass(frozen=True)
class DemoTemplate:
    name: str
    section: str
    is_timed: bool
    target_count: int
    # A filter by (bank name, topic name) and/or difficulty id; None selects from everything.
    topic: tuple[str, str] | None = None
    difficulty: str | None = None


@dataclass(frozen=True)
class DemoSection:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoPackage:
    name: str
    subtitle: str
    overview: str
    modules: tuple[str, ...]
    highlights: tuple[str, ...]
    module_sections: tuple[DemoSection, ...]


PYTHON_BANK = "Python Foundations"
DSA_BANK = "Data Structures and Algorithms"

PACKAGE = DemoPackage(
    name="Intro to Programming Concepts",
    subtitle="Python fundamentals, data structures and algorithmic thinking",
    overview=(
        "A demo package: 48 multiple-choice questions on Python basics, lists and dictionaries, "
        "searching and sorting, and running time, each with a short explanation."
    ),
    modules=(PYTHON_BANK, DSA_BANK),
    highlights=(
        "48 questions with explanations",
        "Easy, medium and hard questions",
        "Untimed drills and a timed challenge",
    ),
    module_sections=(
        DemoSection("python-foundations", PYTHON_BANK, "Values and types, control flow, functions"),
        DemoSection("data-structures", DSA_BANK, "Lists and dictionaries, searching and sorting, complexity"),
    ),
)

VALUES_AND_TYPES = DemoTopic(
    "Values and Types",
    (
        DemoQuestion(
            EASY,
            "What is the type of the value 3.0 in Python?",
            ("int", "float", "str", "bool"),
            1,
            "A numeric literal with a decimal point is a float, even when its fractional part is zero.",
        ),
        DemoQuestion(
            EASY,
            'What does len("hello") return?',
            ("4", "6", "5", '"hello"'),
            2,
            'len() counts the characters of a string, and "hello" has five.',
        ),
        DemoQuestion(
            EASY,
            "Which of these values is a string?",
            ("42", "4.2", "True", "'42'"),
            3,
            "Quotes make a string literal; without them, 42 is an int, 4.2 a float and True a bool.",
        ),
        DemoQuestion(
            MEDIUM,
            "What does 7 // 2 evaluate to in Python 3?",
            ("3", "3.5", "4", "1"),
            0,
            "// is floor division: it divides and rounds down to a whole number, so 7 // 2 is 3.",
        ),
        DemoQuestion(
            MEDIUM,
            "What does 7 % 3 evaluate to?",
            ("2", "1", "0", "2.33"),
            1,
            "% gives the remainder of a division: 7 is 2 × 3 with 1 left over.",
        ),
        DemoQuestion(
            MEDIUM,
            'What is the value of "3" + "4"?',
            ("7", '"7"', '"34"', "a TypeError"),
            2,
            "+ on two strings joins them end to end; it does not add the digits they contain.",
        ),
        DemoQuestion(
            HARD,
            'What happens when Python evaluates int("3.5")?',
            ("It returns 3", "It returns 4", "It returns 3.5", "It raises ValueError"),
            3,
            'int() accepts a string only when it spells a whole number; int(float("3.5")) gives 3.',
        ),
        DemoQuestion(
            HARD,
            "Which expression evaluates to True?",
            ("0.1 + 0.2 == 0.3", 'bool("False")', "bool([])", "None == 0"),
            1,
            'Every non-empty string is truthy, even "False". 0.1 + 0.2 is 0.30000000000000004 in binary '
            "floating point, an empty list is falsy, and None equals only None.",
        ),
    ),
)

CONTROL_FLOW = DemoTopic(
    "Control Flow",
    (
        DemoQuestion(
            EASY,
            "How many times does the body of for i in range(5): run?",
            ("4", "5", "6", "It never stops"),
            1,
            "range(5) yields 0, 1, 2, 3 and 4: five values, one pass each.",
        ),
        DemoQuestion(
            EASY,
            "Which keyword ends the innermost loop immediately?",
            ("break", "continue", "pass", "else"),
            0,
            "break leaves the loop at once; continue skips to the next pass and pass does nothing.",
        ),
        DemoQuestion(
            EASY,
            'What does this print?\n\nx = 10\nif x > 5:\n    print("big")\nelse:\n    print("small")',
            ("small", "big and small", "nothing", "big"),
            3,
            "10 > 5 is True, so only the if branch runs.",
        ),
        DemoQuestion(
            MEDIUM,
            "Which values does range(2, 10, 3) produce?",
            ("2, 5, 8, 11", "3, 6, 9", "2, 5, 8", "2, 3, 4"),
            2,
            "It starts at 2, steps by 3 and stops before reaching 10.",
        ),
        DemoQuestion(
            MEDIUM,
            "What does this print?\n\nn = 0\nwhile n < 10:\n    n += 4\nprint(n)",
            ("12", "8", "10", "4"),
            0,
            "n takes the values 4, 8 and 12; the condition is checked before each pass, so the loop stops "
            "at 12.",
        ),
        DemoQuestion(
            MEDIUM,
            'What is the value of "yes" if 3 > 4 else "no"?',
            ('"yes"', '"no"', "True", "False"),
            1,
            "A conditional expression gives the value before if when the condition holds, else the value "
            "after else; 3 > 4 is False.",
        ),
        DemoQuestion(
            HARD,
            "What does this print?\n\nfor i in range(3):\n    if i == 1:\n        continue\n"
            '    print(i, end=" ")',
            ("0 1 2", "0", "1", "0 2"),
            3,
            "continue skips the rest of the body when i is 1, so only 0 and 2 are printed.",
        ),
        DemoQuestion(
            HARD,
            "What does this print?\n\nfor n in [3, 5, 7]:\n    if n % 2 == 0:\n"
            '        print("even found")\n        break\nelse:\n    print("no even numbers")',
            ("even found", "no even numbers", "both lines", "nothing"),
            1,
            "A loop's else block runs when the loop ends without break; no number in the list is even.",
        ),
    ),
)

FUNCTIONS = DemoTopic(
    "Functions",
    (
        DemoQuestion(
            EASY,
            "Which keyword starts a function definition in Python?",
            ("func", "function", "def", "define"),
            2,
            "A function is defined with def, followed by its name, its parameters and a colon.",
        ),
        DemoQuestion(
            EASY,
            "What does a function return when it ends without a return statement?",
            ("None", "0", 'the empty string ""', "It raises an error"),
            0,
            "Falling off the end of a function returns None.",
        ),
        DemoQuestion(
            EASY,
            'Given def greet(name="world"): return "hello " + name, what does greet() return?',
            ('"hello "', '"hello name"', "a TypeError", '"hello world"'),
            3,
            'An argument left out takes its default value, here "world".',
        ),
        DemoQuestion(
            MEDIUM,
            "What does this print?\n\ndef double(x):\n    x = x * 2\n    return x\n\n"
            "n = 5\ndouble(n)\nprint(n)",
            ("10", "5", "None", "an error"),
            1,
            "The returned value is thrown away, and rebinding the parameter x inside the function leaves n "
            "as it was.",
        ),
        DemoQuestion(
            MEDIUM,
            "What is (lambda a, b: a * b)(3, 4)?",
            ("7", "34", "12", "a function object"),
            2,
            "The lambda is called at once with a = 3 and b = 4 and returns their product.",
        ),
        DemoQuestion(
            MEDIUM,
            "Given def f(*args): return len(args), what does f(1, 2, 3) return?",
            ("3", "1", "6", "(1, 2, 3)"),
            0,
            "*args collects the positional arguments into a tuple, and there are three of them.",
        ),
        DemoQuestion(
            HARD,
            "What does this print?\n\ndef add(item, items=[]):\n    items.append(item)\n    return items\n\n"
            "add(1)\nprint(add(2))",
            ("[2]", "[1]", "an error", "[1, 2]"),
            3,
            "A default value is created once, when def runs, so both calls append to the same list; "
            "use items=None and create the list inside instead.",
        ),
        DemoQuestion(
            HARD,
            "What happens when this runs?\n\ncount = 0\n\ndef increment():\n    count += 1\n\nincrement()",
            (
                "count becomes 1",
                "count stays 0 and nothing is raised",
                "It raises UnboundLocalError",
                "It raises SyntaxError",
            ),
            2,
            "Assigning to count inside the function makes it local there, so count += 1 reads a local with "
            "no value yet; declaring global count fixes it.",
        ),
    ),
)

LISTS_AND_DICTIONARIES = DemoTopic(
    "Lists and Dictionaries",
    (
        DemoQuestion(
            EASY,
            "What is [10, 20, 30][1]?",
            ("10", "20", "30", "an IndexError"),
            1,
            "List indexes start at 0, so index 1 is the second item.",
        ),
        DemoQuestion(
            EASY,
            'Given d = {"a": 1, "b": 2}, what is d["b"]?',
            ('"b"', "1", "a KeyError", "2"),
            3,
            "Indexing a dictionary with a key returns the value stored under that key.",
        ),
        DemoQuestion(
            EASY,
            "Which list method adds one item to the end of a list?",
            ("append", "push", "add", "put"),
            0,
            "lst.append(x) adds x at the end; Python lists have no push, add or put method.",
        ),
        DemoQuestion(
            MEDIUM,
            "What is [1, 2, 3, 4, 5][1:3]?",
            ("[1, 2, 3]", "[2, 3, 4]", "[2, 3]", "[1, 2]"),
            2,
            "A slice runs from its start index up to, but not including, its stop index.",
        ),
        DemoQuestion(
            MEDIUM,
            'What does {"a": 1}.get("z", 0) return?',
            ("None", "0", "a KeyError", '"z"'),
            1,
            "get() returns its second argument when the key is missing, instead of raising KeyError.",
        ),
        DemoQuestion(
            MEDIUM,
            "What does this print?\n\na = [1, 2]\nb = a\nb.append(3)\nprint(a)",
            ("[1, 2, 3]", "[1, 2]", "[3]", "an error"),
            0,
            "b = a makes b a second name for the same list, so a change through b shows through a; "
            "a.copy() would make a separate list.",
        ),
        DemoQuestion(
            HARD,
            "What is [x * x for x in range(5) if x % 2 == 1]?",
            ("[0, 4, 16]", "[1, 9, 25]", "[1, 3]", "[1, 9]"),
            3,
            "Only the odd values 1 and 3 pass the filter, and their squares are 1 and 9.",
        ),
        DemoQuestion(
            HARD,
            "Which of these can be used as a dictionary key?",
            ("[1, 2]", "(1, 2)", '{"a": 1}', "{1, 2}"),
            1,
            "Keys must be hashable: a tuple of immutable values is, while lists, dictionaries and sets can "
            "change and are not.",
        ),
    ),
)

SEARCHING_AND_SORTING = DemoTopic(
    "Searching and Sorting",
    (
        DemoQuestion(
            EASY,
            "What does sorted([3, 1, 2]) return?",
            ("[3, 1, 2]", "[3, 2, 1]", "[1, 2, 3]", "None"),
            2,
            "sorted() returns a new list in ascending order.",
        ),
        DemoQuestion(
            EASY,
            "A linear search looks for a value that is not in a list of n items. "
            "How many items does it compare?",
            ("1", "n", "n / 2", "about log2(n)"),
            1,
            "It must check every item before it can tell that the value is absent.",
        ),
        DemoQuestion(
            EASY,
            "What must be true of a list before binary search can be used on it?",
            (
                "It must be sorted",
                "It must have an even length",
                "It must have no duplicates",
                "It must hold only numbers",
            ),
            0,
            "Binary search decides which half to keep by comparing with the middle item, which only works "
            "when the items are in order.",
        ),
        DemoQuestion(
            MEDIUM,
            "What is the difference between lst.sort() and sorted(lst)?",
            (
                "lst.sort() returns a new list; sorted(lst) changes lst in place",
                "They are the same",
                "sorted() works only on numbers",
                "lst.sort() changes lst in place and returns None; sorted(lst) returns a new list",
            ),
            3,
            "list.sort() reorders the list itself and returns None; sorted() leaves its input alone.",
        ),
        DemoQuestion(
            MEDIUM,
            "Binary search looks for a value in a sorted list of 1,000 items. At most how many comparisons "
            "does it need?",
            ("about 500", "about 100", "about 10", "1,000"),
            2,
            "Each comparison halves the part still to search, and 2 to the power 10 is 1,024.",
        ),
        DemoQuestion(
            MEDIUM,
            'What does sorted(["pear", "fig", "apple"], key=len) return?',
            (
                '["fig", "pear", "apple"]',
                '["apple", "fig", "pear"]',
                '["pear", "fig", "apple"]',
                '["apple", "pear", "fig"]',
            ),
            0,
            "key=len sorts the words by length: 3, 4, then 5 letters.",
        ),
        DemoQuestion(
            HARD,
            'What does sorted(["banana", "apple", "Cherry"]) return?',
            (
                '["apple", "banana", "Cherry"]',
                '["Cherry", "banana", "apple"]',
                '["banana", "apple", "Cherry"]',
                '["Cherry", "apple", "banana"]',
            ),
            3,
            "Strings compare by character code, and every uppercase letter comes before every lowercase one; "
            "key=str.lower gives a case-insensitive order.",
        ),
        DemoQuestion(
            HARD,
            'What does sorted([("b", 2), ("a", 1), ("c", 2)], key=lambda p: p[1]) return?',
            (
                '[("a", 1), ("c", 2), ("b", 2)]',
                '[("a", 1), ("b", 2), ("c", 2)]',
                '[("b", 2), ("c", 2), ("a", 1)]',
                "a TypeError",
            ),
            1,
            'Python\'s sort is stable: items with equal keys keep their original order, so ("b", 2) stays '
            'before ("c", 2).',
        ),
    ),
)

COMPLEXITY = DemoTopic(
    "Algorithmic Complexity",
    (
        DemoQuestion(
            EASY,
            "What does it mean that an algorithm runs in O(n) time?",
            (
                "It always takes n seconds",
                "Its time doubles with each extra item",
                "Its time grows at most in proportion to the input size",
                "Its time does not depend on the input",
            ),
            2,
            "O(n) bounds the time by a linear function of n: for large inputs, twice the input takes at "
            "most about twice as long.",
        ),
        DemoQuestion(
            EASY,
            "How long does reading lst[i] take for a Python list of n items?",
            ("O(1)", "O(log n)", "O(n)", "O(n²)"),
            0,
            "A list stores its items in an array, so the position of item i is computed directly.",
        ),
        DemoQuestion(
            EASY,
            "Which of these grows fastest as n gets large?",
            ("O(n)", "O(log n)", "O(1)", "O(n²)"),
            3,
            "n² outgrows n, log n and any constant once n is large enough.",
        ),
        DemoQuestion(
            MEDIUM,
            "Two nested loops each run over the same n items and do constant work inside. "
            "What is the running time?",
            ("O(n)", "O(n²)", "O(2n)", "O(log n)"),
            1,
            "The inner loop runs n times for each of the n outer passes: n × n steps.",
        ),
        DemoQuestion(
            MEDIUM,
            "What is the average time of x in s when s is a Python set of n items?",
            ("O(n)", "O(log n)", "O(1)", "O(n log n)"),
            2,
            "A set is a hash table: the hash of x leads straight to where x would be; x in a list is O(n).",
        ),
        DemoQuestion(
            MEDIUM,
            "How many times does the body of this loop run, in big-O terms?\n\n"
            "i = n\nwhile i > 1:\n    i = i // 2",
            ("O(log n)", "O(1)", "O(n)", "O(n²)"),
            0,
            "i is halved on every pass, so it reaches 1 after about log2(n) passes.",
        ),
        DemoQuestion(
            HARD,
            "What is the worst-case running time of merge sort on n items?",
            ("O(n)", "O(log n)", "O(n²)", "O(n log n)"),
            3,
            "Merge sort splits the list in halves about log2(n) levels deep, and merging each level costs "
            "O(n).",
        ),
        DemoQuestion(
            HARD,
            "Why is lst.pop(0) slow on a long Python list?",
            (
                "It copies the whole list",
                "Every remaining item moves one place left: O(n)",
                "It sorts the list first",
                "It is not slow: it is O(1), like lst.pop()",
            ),
            1,
            "Removing the first item shifts all the others; collections.deque removes from either end "
            "in O(1).",
        ),
    ),
)

BANKS = (
    DemoBank(PYTHON_BANK, (VALUES_AND_TYPES, CONTROL_FLOW, FUNCTIONS)),
    DemoBank(DSA_BANK, (LISTS_AND_DICTIONARIES, SEARCHING_AND_SORTING, COMPLEXITY)),
)

WARM_UP = "Mixed warm-up"
TEMPLATES = (
    DemoTemplate(WARM_UP, "Warm-up", is_timed=False, target_count=10),
    DemoTemplate(
        "Functions drill", PYTHON_BANK, is_timed=False, target_count=8, topic=(PYTHON_BANK, "Functions")
    ),
    DemoTemplate("Hard questions, timed", "Challenge", is_timed=True, target_count=10, difficulty=HARD),
)
