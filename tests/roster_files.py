"""Roster files for import tests and benchmarks: many good rows and a known set of bad ones."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from services.core.validation import id_check_character

HEADERS_ZH = ["社区", "队伍", "姓名", "手机号码", "身份证号码", "网格", "技能"]
HEADERS_EN = ["Community", "Team", "Name", "Phone", "ID number", "Grid", "Skills"]


def good_id(n: int) -> str:
    """A distinct valid ID number for n < 3,650,000 (birth dates from 1960 on)."""
    day = n % 28 + 1
    month = n // 28 % 12 + 1
    year = 1960 + n // 336 % 40
    first17 = f"500104{year}{month:02d}{day:02d}{n // 13440 % 1000:03d}"
    return first17 + id_check_character(first17)


def _bad(n: int, row: list[str]) -> list[str]:
    """One of seven faults, by n."""
    fault = n % 7
    if fault == 0:  # wrong check digit
        right = row[4][-1]
        row[4] = row[4][:-1] + ("0" if right != "0" else "1")
    elif fault == 1:  # 31 February
        row[4] = row[4][:10] + "0231" + row[4][14:17]
        row[4] += id_check_character(row[4])
    elif fault == 2:
        row[3] = row[3][:-1]  # ten-digit mobile
    elif fault == 3:
        row[2] = ""  # no name
    elif fault == 4:
        row[1] = "不存在的队伍"
    elif fault == 5:
        row[5] = "第99网格"
    else:
        row[3] = "68812345"  # landline without area code
    return row


def member_rows(community: str, teams: list[str], grids: list[str], n: int,
                bad_every: int = 20, start: int = 0) -> tuple[list[list[str]], set[int]]:
    """n data rows; every `bad_every`-th is bad. Returns the rows and the bad rows' lines."""
    rows, bad = [], set()
    for i in range(n):
        k = start + i
        row = [community, teams[k % len(teams)], f"队员{k:05d}", f"139{k:08d}", good_id(k),
               grids[k % len(grids)], "急救、驾驶" if k % 3 == 0 else ""]
        if bad_every and i % bad_every == bad_every - 1:
            row = _bad(i // bad_every, row)
            bad.add(i + 2)  # line numbers: the header is line 1
        rows.append(row)
    return rows, bad


def to_csv(headers: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def to_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
