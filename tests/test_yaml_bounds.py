"""A small file cannot take the machine: the YAML loader's bounds, each refused in one line."""
import tracemalloc

import pytest

from carepath_cli import main
from model.bounded_yaml import MAX_BYTES, MAX_DEPTH, YamlRefused, parse_yaml

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def refused(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert len(lines[0]) < 400, lines[0][:500]
    return lines[0]


def test_aliases_that_would_expand_to_a_billion_values_are_refused_in_little_memory(tmp_path, capsys):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 600
    tracemalloc.start()
    try:
        line = refused(capsys, ["validate", str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "laughs.yaml" in line and "aliases expand to more than" in line
    assert peak < 20 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_a_few_aliases_are_still_fine():
    assert parse_yaml("base: &b {x: 1}\nchild: {<<: *b, y: 2}\nlist: [*b, *b]\n", "f") == {
        "base": {"x": 1}, "child": {"x": 1, "y": 2}, "list": [{"x": 1}, {"x": 1}]}


def test_an_alias_that_contains_itself_is_refused():
    with pytest.raises(YamlRefused, match="refers to a value that contains it"):
        parse_yaml("a: &a [1, *a]\n", "f")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys):
    path = tmp_path / "flows.yaml"
    with open(path, "w") as handle:
        handle.write("area:\n  population:\n    patients: 100\n")
        handle.seek(40 * 2**20)
        handle.write("# end\n")
    tracemalloc.start()
    try:
        line = refused(capsys, ["validate", str(path)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "flows.yaml: too large" in line and f"{MAX_BYTES:,}" in line
    assert peak < 10 * 2**20


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200))],
                         ids=["flow", "block"])
def test_nesting_deeper_than_the_limit_is_refused(tmp_path, capsys, text):
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    line = refused(capsys, ["validate", str(path)])
    assert f"nested more than {MAX_DEPTH} levels deep" in line


def test_aliases_cannot_nest_past_the_depth_limit():
    chain = "a0: &a0 [[[[[[[[[[1]]]]]]]]]]\n" + "".join(
        f"a{i}: &a{i} [[[[[[[[[[*a{i - 1}]]]]]]]]]]\n" for i in range(1, 8))
    with pytest.raises(YamlRefused, match="once aliases are expanded"):
        parse_yaml(chain, "f")


def test_duplicate_keys_are_refused_not_last_wins(tmp_path, capsys):
    path = tmp_path / "dup.yaml"
    path.write_text("extends: siloed\narea:\n  population: {patients: 500}\n  population: {patients: 900}\n")
    line = refused(capsys, ["validate", str(path)])
    assert "dup.yaml" in line and "line 4" in line and "duplicate key 'population'" in line


@pytest.mark.parametrize("content, message", [
    (b"", "empty scenario file"),
    (b"# only a comment\n\n", "empty scenario file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("name: caf\u00e9\n".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 9)"),
], ids=["empty", "comment-only", "binary", "latin-1"])
def test_empty_binary_and_non_utf8_scenarios_are_refused(tmp_path, capsys, content, message):
    path = tmp_path / "s.yaml"
    path.write_bytes(content)
    line = refused(capsys, ["validate", str(path)])
    assert line.startswith(f"carepath: error: {path}: ") and message in line


def test_the_same_loader_bounds_experiment_files(tmp_path, capsys):
    path = tmp_path / "exp.yaml"
    path.write_text(BILLION_LAUGHS)
    assert "aliases expand to more than" in refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "o")])
    path.write_text("name: a\nname: b\n")
    assert "duplicate key 'name'" in refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "o")])
    path.write_text("")
    assert "empty experiment file" in refused(capsys, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert not (tmp_path / "o").exists()


def test_the_same_loader_bounds_set_values(capsys):
    value = "[" + ",".join(["[" * 60 + "]" * 60] * 2) + "]"
    line = refused(capsys, ["run", "siloed", "--set", f"area.population.patients={value}"])
    assert "--set area.population.patients: refused: nested more than" in line


def test_a_file_read_again_is_its_current_text_and_each_caller_gets_its_own_copy(tmp_path):
    """Parsed documents are kept by their bytes (a sweep reads the same files thousands of
    times): an edited file must be read afresh, and what one caller changes no other sees."""
    from model.bounded_yaml import read_yaml_file
    path = tmp_path / "s.yaml"
    path.write_text("area:\n  patients: 100\n")
    first = read_yaml_file(path, "s.yaml")
    first["area"]["patients"] = 5
    assert read_yaml_file(path, "s.yaml") == {"area": {"patients": 100}}
    path.write_text("area:\n  patients: 200\n")
    assert read_yaml_file(path, "s.yaml") == {"area": {"patients": 200}}
    path.write_text("area: [unclosed\n")
    with pytest.raises(YamlRefused):
        read_yaml_file(path, "s.yaml")
