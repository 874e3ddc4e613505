"""`--out` never removes what carepath did not write, and says so in one line before computing."""
import stat

import pytest

from carepath_cli import main

RUN = ["run", "siloed", "--patients", "100", "--years", "1"]
COMPARE = ["compare", "siloed", "integrated", "--patients", "100", "--years", "1", "--replications", "2",
           "--workers", "1", "--no-progress"]


def refused(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


@pytest.mark.parametrize("command", [RUN, COMPARE], ids=["run", "compare"])
def test_a_folder_holding_someone_elses_file_is_refused_and_kept(tmp_path, capsys, command):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "thesis.txt").write_text("x")
    for extra in ([], ["--force"]):
        line = refused(capsys, [*command, "--out", str(folder), *extra])
        assert str(folder) in line and "not empty" in line
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]
    assert (folder / "thesis.txt").read_text() == "x"


@pytest.mark.parametrize("command", [RUN, COMPARE], ids=["run", "compare"])
def test_a_file_is_never_replaced_by_a_folder(tmp_path, capsys, command):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    line = refused(capsys, [*command, "--out", str(notes), "--force"])
    assert "not a folder" in line
    assert notes.read_text() == "mine"


def test_a_sweep_folder_is_not_taken_over_by_a_run(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    (sweep / "parts").mkdir(parents=True)
    (sweep / "manifest.json").write_text("{}")
    refused(capsys, [*RUN, "--out", str(sweep), "--force"])
    assert (sweep / "manifest.json").read_text() == "{}" and (sweep / "parts").is_dir()


def test_an_earlier_run_is_replaced_only_with_force(tmp_path, capsys):
    out = tmp_path / "results"
    assert main([*RUN, "--out", str(out)]) == 0
    capsys.readouterr()
    first = (out / "by_year.parquet").read_bytes()
    line = refused(capsys, [*RUN, "--seed", "2", "--out", str(out)])
    assert "--force" in line
    assert (out / "by_year.parquet").read_bytes() == first
    assert main([*RUN, "--seed", "2", "--out", str(out), "--force"]) == 0
    assert (out / "by_year.parquet").read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no staging or backup left


def test_an_earlier_run_with_a_file_added_by_hand_is_not_replaced(tmp_path, capsys):
    out = tmp_path / "results"
    assert main([*RUN, "--out", str(out)]) == 0
    (out / "my_notes.md").write_text("keep")
    refused(capsys, [*RUN, "--out", str(out), "--force"])
    assert (out / "my_notes.md").read_text() == "keep"


def test_an_empty_folder_is_used_and_output_folders_have_normal_permissions(tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    assert main([*RUN, "--out", str(out)]) == 0
    mode = stat.S_IMODE(out.stat().st_mode)
    assert mode == 0o777 & ~_umask(), oct(mode)
    assert (out / "by_year.parquet").exists()


def test_a_comparison_folder_is_not_replaced_by_a_run(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main([*COMPARE, "--out", str(out)]) == 0
    capsys.readouterr()
    before = sorted(p.name for p in out.iterdir())
    refused(capsys, [*RUN, "--out", str(out), "--force"])
    assert sorted(p.name for p in out.iterdir()) == before


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask
