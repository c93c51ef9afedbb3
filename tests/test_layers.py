"""The layers stay honest: doors over one core over models, read from every module's imports."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOORS = {"public", "staff", "sms"}
PROJECT = DOORS | {"core", "web", "ops", "models", "config", "database", "extensions", "app"}
GUARDED = {"Registration", "Pool", "PoolShare", "ProgramYear"}  # rows only core/ may write
WRITES = {"create", "insert", "insert_many", "insert_from", "update", "delete", "replace",
          "replace_many", "bulk_create", "bulk_update", "delete_by_id", "set_by_id",
          "get_or_create"}
RAW_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(registration|pool|poolshare|programyear)\b",
                       re.I)


def product_modules():
    """Every Python file of the product (not tests, benchmarks or migrations), by dotted name."""
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("tests", "bench", "migrations", ".venv", "build") or "egg-info" in str(rel):
            continue
        yield ".".join(rel.with_suffix("").parts).removesuffix(".__init__"), path.read_text("utf-8")


def imported(source):
    """Top-level project packages/modules a source imports (anywhere in the file)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


def layer_problems(name, source):
    """What breaks the layering in one module: a list of sentences (empty when it keeps it)."""
    layer = name.split(".")[0]
    uses = imported(source) - {layer}
    problems = []
    if layer in DOORS:
        problems += [f"{name}: a door imports the door {other}" for other in uses & DOORS]
    if layer == "core":
        problems += [f"{name}: the core imports {other}" for other in uses - {"models", "config"}]
    if layer == "web":
        problems += [f"{name}: web/ imports the door {other}" for other in uses & DOORS]
    if layer != "core":
        problems += [f"{name}: writes {w}" for w in guarded_writes(source)]
    return problems


def guarded_writes(source):
    """`Registration.update(...)`-style calls and raw SQL writes to the core's tables."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in GUARDED
                and node.func.attr in WRITES):
            found.append(f"{node.func.value.id}.{node.func.attr}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_WRITE.search(node.value):
            found.append(RAW_WRITE.search(node.value).group(0))
    return found


@pytest.mark.parametrize("name, source, broken", [
    ("staff.x", "from sms.door import answer", True),
    ("public.x", "import staff", True),
    ("core.x", "from ops import exports", True),
    ("core.x", "from web.texts import ERRORS", True),
    ("web.x", "from public import bp", True),
    ("ops.x", "from models import Pool\nPool.update(held=0).execute()", True),
    ("staff.x", "from models import Registration\nRegistration.create(ref='x')", True),
    ("sms.x", "db.execute_sql('UPDATE pool SET held = 0')", True),
    ("ops.x", "from models import PoolShare\nPoolShare.update(held=0).execute()", True),
    ("ops.x", "db.execute_sql('UPDATE poolshare SET held = 0')", True),
    ("staff.x", "from core import quota\nfrom web.pages import wants_fragment", False),
    ("ops.x", "from staff.texts import error_text\nfrom sms.sender import drain", False),
    ("core.x", "from models import Pool\nPool.update(held=0).execute()", False),
    ("staff.x", "from models import StaffUser\nStaffUser.update(active=False).execute()", False),
])
def test_the_layer_check_catches_what_it_should(name, source, broken):
    assert bool(layer_problems(name, source)) == broken


def test_doors_core_and_web_keep_their_layers():
    problems = [p for name, source in product_modules() for p in layer_problems(name, source)]
    assert problems == []


def test_the_root_holds_only_the_factory_and_plumbing():
    assert len(list(ROOT.glob("*.py"))) <= 6


def test_only_config_reads_settings_from_the_environment():
    readers = [name for name, source in product_modules()
               if re.search(r"os\.environ\.get\(|os\.getenv\(|environ\[", source)
               and name != "config"]
    assert readers == []


SERVER_DAY = re.compile(r"\bdate\.today\(\)|\bdatetime\.(?:now|today|utcnow)\(\)")


def test_days_are_the_programs_not_the_servers():
    # From 16:00 UTC it is already tomorrow in WITA: a day read from the server's clock put a
    # dashboard test's registrations on the wrong day. core/clock.py is the one place to ask.
    tests = [(f"tests.{p.stem}", p.read_text("utf-8")) for p in sorted((ROOT / "tests").rglob("*.py"))]
    found = [name for name, source in list(product_modules()) + tests
             if SERVER_DAY.search(source) and name not in ("core.clock", "tests.test_layers")]
    assert found == []
