"""Fill the Simplified Chinese catalogue from the table below, then compile it.

Run after `unactions makemessages -l zh_Hans`: python scripts/translate_zh.py
"""

import re
import subprocess
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "unactions/locale/zh_Hans/LC_MESSAGES/django.po"

ZH = {
    "Public site": "公共网站",
    "introduction": "简介",
    "introduction in Chinese": "中文简介",
    "updated": "更新于",
    "Introduction to the list of actions": "行动列表简介",
    "Not found": "未找到",
    "There is no published page at this address.": "此地址没有已发布的页面。",
    "See all actions": "查看所有行动",
    "Date": "日期",
    "published": "发布于",
    "Mechanism": "机制",
    "Action": "行动",
    "Issues": "议题",
    "Summary": "摘要",
    "Defenders named": "提及的人权捍卫者",
    "Sent to": "致函对象",
    "Text": "文本",
    "not available": "暂无",
    "Response by government": "政府回应",
    "none recorded": "无记录",
    "Related sources": "相关资料",
    "All actions": "所有行动",
    "Permanent link:": "永久链接：",
    "This search cannot be understood": "无法理解此搜索",
    "Start again from the full list": "从完整列表重新开始",
    "Skip to content": "跳到正文",
    "Site": "网站",
    "Actions": "行动",
    "Defenders": "人权捍卫者",
    "Mechanisms": "机制",
    "Language": "语言",
    "All defenders": "所有人权捍卫者",
    "Named in %(counter)s UN action.": "在 %(counter)s 项联合国行动中被提及。",
    "See them in the list": "在列表中查看",
    "Timeline": "时间线",
    "Human rights defenders named in UN actions": "联合国行动中提及的人权捍卫者",
    "No defender is named in a published action yet.": "已发布的行动中尚未提及任何人权捍卫者。",
    "Filtered actions": "筛选后的行动",
    "UN actions on human rights defenders": "联合国关于人权捍卫者的行动",
    "Search and filter actions": "搜索和筛选行动",
    "Search": "搜索",
    "Names, issues, mechanisms…": "姓名、议题、机制……",
    "Dates and order": "日期和排序",
    "From": "从",
    "To": "至",
    "Order": "排序",
    "Best first": "默认排序",
    "Relevance": "相关度",
    "Newest first": "最新优先",
    "Oldest first": "最早优先",
    "Filters": "筛选",
    "and %(counter)s more: search to find them": "另有 %(counter)s 项：请用搜索查找",
    "Apply filters": "应用筛选",
    "%(counter)s action found": "找到 %(counter)s 项行动",
    "%(counter)s action": "%(counter)s 项行动",
    "Remove filter %(label)s": "移除筛选条件 %(label)s",
    "Clear all": "全部清除",
    "Download these actions:": "下载这些行动：",
    "No published action matches. Remove a filter or try other words.": "没有符合条件的已发布行动。请移除筛选条件或尝试其他词语。",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(number)s of %(total)s": "第 %(number)s 页，共 %(total)s 页",
    "Next": "下一页",
    "All mechanisms": "所有机制",
    "%(counter)s published action.": "%(counter)s 项已发布的行动。",
    "Filter the list by this mechanism": "按此机制筛选列表",
    "Actions by type": "按类型统计的行动",
    "Action type": "行动类型",
    "UN mechanisms": "联合国机制",
    "No published action yet.": "尚无已发布的行动。",
    "Records": "记录",
    "Special Procedures": "特别程序",
    "Treaty bodies": "条约机构",
    "Human Rights Council": "人权理事会",
    "Universal Periodic Review": "普遍定期审议",
    "Office of the High Commissioner (OHCHR)": "人权事务高级专员办事处",
    "UN General Assembly Third Committee": "联合国大会第三委员会",
    "Other": "其他",
    "Press release": "新闻稿",
    "Press briefing": "新闻简报",
    "Statement": "声明",
    "Allegation letter": "指控信",
    "Urgent appeal": "紧急呼吁",
    "Other letter": "其他信函",
    "Opinion (Working Group on Arbitrary Detention)": "意见（任意拘留问题工作组）",
    "Joint statement by States": "国家联合声明",
    "Follow-up review": "后续审查",
    "Concluding observations": "结论性意见",
    "Report": "报告",
    "Resolution": "决议",
    "UPR recommendation": "普遍定期审议建议",
    "Country visit": "国别访问",
    "Draft": "草稿",
    "Published": "已发布",
    "Response received": "已收到回应",
    "No response recorded": "无回应记录",
    "Not applicable": "不适用",
    "summary in Chinese": "中文摘要",
    "Shown on the Chinese interface.": "在中文界面中显示。",
    "Government response": "政府回应",
    "Year": "年份",
    "Body": "机构",
    "Issue": "议题",
    "Region": "地区",
    "Government addressed": "致函政府",
    "Defender named": "提及的人权捍卫者",
    "Statistics": "统计",
    "Atom feed": "Atom 订阅",
    "matching the filters": "符合筛选条件",
    "see them": "查看",
    "all actions": "所有行动",
    "Total": "合计",
    "Actions per year, by body": "按年份和机构统计的行动",
    "Actions per month, by body": "按月份和机构统计的行动",
    "Table": "表格",
    "Month": "月份",
    "None": "无",
    "Communications": "函件",
    "Answered": "已回应",
    "Share answered": "回应比例",
    "Median days to reply": "回应天数中位数",
    "Share of communications answered, per year (%)": "每年函件回应比例（%）",
    "Government replies to communications": "政府对函件的回应",
    "By government addressed": "按致函政府统计",
    "Government": "政府",
    "No communication.": "没有函件。",
    "Top issues": "主要议题",
    "Top mechanisms": "主要机制",
    "Defenders named most often": "被提及最多的人权捍卫者",
    "Download all actions:": "下载所有行动：",
    "Figures for %(counter)s published action": "%(counter)s 项已发布行动的统计",
    "Allegation letters, urgent appeals and other letters ask the government to reply within %(days)s days.": "指控信、紧急呼吁和其他信函要求政府在 %(days)s 天内作出回应。",
    "Searching this copy of the site needs JavaScript. Browse by filter from the list of actions instead.": "在此网站副本中搜索需要 JavaScript。请改用行动列表中的筛选浏览。",
    "%(site_name)s: a record of what UN human rights mechanisms do about human rights defenders.": "%(site_name)s：记录联合国人权机制就人权捍卫者采取的行动。",
}


def fill(text: str) -> str:
    entries = text.split("\n\n")
    out = []
    for entry in entries:
        msgid = re.search(r'^msgid "(.*)"$', entry, re.M)
        key = msgid.group(1) if msgid else ""
        if not key:
            # a long msgid is written over several lines after msgid ""
            block = re.search(r'^msgid ""\n((?:".*"\n?)+)', entry, re.M)
            if block:
                key = "".join(re.findall(r'^"(.*)"$', block.group(1), re.M))
        value = ZH.get(key.replace('\\"', '"'))
        if not value and "#, fuzzy" in entry:
            # makemessages' guesses from similar strings are wrong more often than not.
            entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M).replace("#, fuzzy\n", "")
            entry = re.sub(r'^(msgstr(?:\[0\])?) ".*"$', r'\1 ""', entry, flags=re.M)
        if value:
            quoted = value.replace('"', '\\"')
            entry = re.sub(
                r'^msgstr(\[0\])? ".*"$',
                lambda m, quoted=quoted: f'msgstr{m.group(1) or ""} "{quoted}"',
                entry,
                flags=re.M,
            )
            entry = entry.replace("#, fuzzy\n", "")
        # Chinese has one plural form.
        entry = re.sub(r'^msgstr\[[1-9]\] ".*"\n?', "", entry, flags=re.M).rstrip("\n")
        out.append(entry)
    text = "\n\n".join(out) + "\n"
    return text.replace('"Language: \\n"', '"Language: zh_Hans\\n"')


if __name__ == "__main__":
    PO.write_text(fill(PO.read_text(encoding="utf-8")), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True
    )
    print(f"compiled {PO.with_suffix('.mo')}")
