#!/usr/bin/env python3
"""gen_ledger.py N CSV [JSON] [--seed 1]: write N ledger rows as a paper
台账 would have them (DOMAIN.md §4.1 header set B with a title row, dates
in mixed spellings, several parties in one cell, colours as words, result
text), and optionally the same records as Taskwarrior import JSON (one
task per case, with the fields as UDAs-free annotations in the
description/tags) for the comparison in bench/import.sh.  Python 3
standard library only; deterministic for a seed.
"""
import csv, json, random, sys, datetime

CATS = ["婚姻家庭", "邻里纠纷", "宅基地纠纷", "合同纠纷", "损害赔偿", "土地承包",
        "征地拆迁", "欠薪", "消费纠纷", "交通事故", "物业纠纷", "其他"]
RESULTS = ["调解成功（书面）", "口头协议，当场履行", "调解中", "持续跟进", "未果，已告知起诉",
           "已化解", "申请人撤回", ""]
COLORS = ["蓝", "蓝", "蓝", "黄", "黄色", "红"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
VILLAGES = ["前王村", "后张村", "小李庄", "东街社区", "西河村", "南岗村"]


def name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed = 1
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
    n, path = int(args[0]), args[1]
    jpath = args[2] if len(args) > 2 else None
    rng = random.Random(seed)
    start = datetime.date(2024, 1, 1)
    tasks = []
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["青山镇2024年矛盾纠纷排查化解台账"] + [""] * 11)
        w.writerow(["序号", "受理日期", "所属村（社区）", "纠纷类型", "当事人", "联系电话",
                    "基本情况", "风险等级", "调解员", "调解结果", "结案日期", "涉及金额"])
        for i in range(1, n + 1):
            d = start + datetime.timedelta(days=rng.randint(0, 330))
            style = rng.randint(0, 3)
            ds = [d.isoformat(), f"{d.year}年{d.month}月{d.day}日",
                  f"{d.year}.{d.month}.{d.day}", f"{d.month}月{d.day}日"][style]
            a, b = name(rng), name(rng)
            res = rng.choice(RESULTS)
            closed = ""
            if res and res not in ("调解中", "持续跟进"):
                closed = (d + datetime.timedelta(days=rng.randint(1, 20))).isoformat()
            cat = rng.choice(CATS)
            summ = f"{a}与{b}因{cat}发生争执，第{i}号"
            phone = f"138{rng.randint(0, 99999999):08d}"
            amt = rng.choice(["", "5000元", "0.5万", "1,200", "伍仟元", "8000"])
            w.writerow([i, ds, rng.choice(VILLAGES), cat, f"{a}、{b}", phone, summ,
                        rng.choice(COLORS), "李某", res, closed, amt])
            tasks.append({
                "description": f"{a}与{b}{cat}",
                "status": "completed" if closed else "pending",
                "entry": d.strftime("%Y%m%dT000000Z"),
                **({"end": closed.replace("-", "") + "T000000Z"} if closed else {}),
                "project": "mediation",
                "tags": [cat],
                "annotations": [{"entry": d.strftime("%Y%m%dT000000Z"),
                                 "description": summ},
                                {"entry": d.strftime("%Y%m%dT000000Z"),
                                 "description": f"parties {a},{b} phone {phone} result {res}"}],
            })
    if jpath:
        with open(jpath, "w", encoding="utf-8") as f:
            json.dump(tasks, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
