"""A scenario or experiment file reads only built-ins and files in its own folder tree, and an
error never echoes the contents of a file the user did not name."""
import json

import pytest

from carepath_cli import main

SECRET = "s3cret-db-password"


def refused(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def layout(tmp_path):
    """tmp/secret.yaml (outside) and tmp/project/ (the user's folder) with a sub-folder."""
    (tmp_path / "secret.yaml").write_text(f"area:\n  population:\n    patients: {SECRET}\n")
    project = tmp_path / "project"
    (project / "shared").mkdir(parents=True)
    (project / "shared" / "base.yaml").write_text("extends: siloed\narea:\n  population: {patients: 150}\n")
    return project


@pytest.mark.parametrize("target", ["../secret.yaml", "{tmp}/secret.yaml", "shared/../../secret.yaml"],
                         ids=["dotdot", "absolute", "sneaky"])
def test_extends_outside_the_folder_tree_is_refused_without_echoing(layout, capsys, target):
    mine = layout / "mine.yaml"
    mine.write_text(f"extends: {target.format(tmp=layout.parent)}\n")
    line = refused(capsys, ["validate", str(mine)])
    assert "extends:" in line and "no absolute paths or .." in line
    assert SECRET not in line


def test_a_link_out_of_the_folder_tree_is_refused(layout, capsys):
    (layout / "link.yaml").symlink_to(layout.parent / "secret.yaml")
    mine = layout / "mine.yaml"
    mine.write_text("extends: link.yaml\n")
    line = refused(capsys, ["validate", str(mine)])
    assert "leads outside" in line and SECRET not in line


def test_files_in_the_same_tree_and_builtins_may_be_extended(layout, capsys):
    mine = layout / "mine.yaml"
    mine.write_text("extends: shared/base.yaml\narrangement:\n  shared_record: {strength: 0.5}\n")
    assert main(["validate", str(mine)]) == 0
    mine.write_text("extends: integrated\n")
    assert main(["validate", str(mine)]) == 0


def test_a_bad_value_in_an_extended_file_is_named_but_not_echoed(layout, capsys):
    (layout / "shared" / "base.yaml").write_text(f"area:\n  population:\n    patients: {SECRET}\n")
    mine = layout / "mine.yaml"
    mine.write_text("extends: shared/base.yaml\n")
    line = refused(capsys, ["validate", str(mine)])
    assert "area.population.patients" in line and "not shown" in line and SECRET not in line
    mine.write_text(f"area:\n  population:\n    patients: {SECRET}\n")  # the user's own file: echoed
    assert SECRET in refused(capsys, ["validate", str(mine)])


def test_unknown_fields_of_an_extended_file_are_not_echoed(layout, capsys):
    (layout / "shared" / "base.yaml").write_text(f"{SECRET}: 1\n")
    mine = layout / "mine.yaml"
    mine.write_text("extends: shared/base.yaml\n")
    assert SECRET not in refused(capsys, ["validate", str(mine)])


@pytest.mark.parametrize("name", ["/abs/dir", "../../x", "a/b", ".hidden", ""])
def test_an_experiment_name_cannot_be_a_path(tmp_path, capsys, monkeypatch, name):
    path = tmp_path / "exp.yaml"
    path.write_text(json.dumps({"name": name, "base": "siloed", "design": {"method": "latin", "samples": 2},
                                "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3}}}))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # the default --out is out/sweeps/NAME under the current folder
    line = refused(capsys, ["sweep", str(path)])
    assert "name: must be a plain name" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "exp.yaml"]
    assert not any((tmp_path / "cwd").iterdir())


@pytest.mark.parametrize("base", ["../secret.yaml", "{tmp}/secret.yaml"], ids=["dotdot", "absolute"])
def test_an_experiments_scenarios_stay_in_its_folder_tree(layout, capsys, base):
    path = layout / "exp.yaml"
    path.write_text(json.dumps({"name": "e", "base": base.format(tmp=layout.parent),
                                "design": {"method": "latin", "samples": 2},
                                "parameters": {"area.context.austerity_cut": {"low": 0.0, "high": 0.3}}}))
    line = refused(capsys, ["sweep", str(path), "--out", str(layout / "o")])
    assert "base:" in line and SECRET not in line
