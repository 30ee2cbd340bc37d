"""Printed slips of the personal-data area (Vietnamese, A4):

- the consent slip a citizen reads (and may sign) before a volunteer keeps their name/phone for a call-back
  (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định 356/2025/NĐ-CP): two identical A5 halves, one for the
  citizen, one kept at the counter;
- the recovery-code sheet of the contact-data key (kept locked away by the administrator)."""

from __future__ import annotations

import datetime as dt
import io

from dxdesk.reports import fonts
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from dxdesk.vnformat import fmt_date

_PAGE_W, _PAGE_H = A4


def _styles():
    fonts.register_fonts()
    return {
        "head": ParagraphStyle("head", fontName=fonts.SERIF_BOLD, fontSize=10, leading=13, alignment=1),
        "title": ParagraphStyle("title", fontName=fonts.SERIF_BOLD, fontSize=13, leading=17, alignment=1,
                                spaceBefore=4, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=fonts.SERIF, fontSize=10.5, leading=13.5, spaceAfter=2.5),
        "small": ParagraphStyle("small", fontName=fonts.SERIF_ITALIC, fontSize=8.5, leading=11, alignment=1),
        "code": ParagraphStyle("code", fontName=fonts.SANS_BOLD, fontSize=17, leading=26, alignment=1),
        "sign": ParagraphStyle("sign", fontName=fonts.SERIF_BOLD, fontSize=10, leading=13, alignment=1),
    }


def _canvas(buf) -> Canvas:
    fonts.register_fonts()
    return Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=fonts.SERIF, initialFontSize=10)


def _p(text: str, style) -> Paragraph:
    return Paragraph(fonts.nfc(text), style)


def consent_slip_paragraphs(unit_name: str, purpose: str, retention_days: int, kept_until: dt.date) -> list:
    st = _styles()
    e = fonts.xml_text
    unit = e(unit_name) or "Trung tâm Phục vụ hành chính công"
    return [
        _p(f"{unit.upper()}<br/>TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG", st["head"]),
        _p("PHIẾU ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN", st["title"]),
        _p("Để tổ hỗ trợ gọi lại cho ông/bà, chúng tôi xin được ghi <b>họ tên</b> và/hoặc <b>số điện thoại</b>. "
           "Ông/bà không đồng ý vẫn được hỗ trợ đầy đủ như mọi người.", st["body"]),
        _p(f"<b>1. Mục đích duy nhất:</b> {e(purpose)}.", st["body"]),
        _p("<b>2. Dữ liệu ghi lại:</b> họ tên, số điện thoại. Chúng tôi <b>không</b> ghi số CCCD/định danh cá nhân, "
           "không chụp giấy tờ, không hỏi mật khẩu hay mã OTP.", st["body"]),
        _p(f"<b>3. Thời hạn lưu:</b> đến hết quý báo cáo cộng {retention_days} ngày, sau đó tự động xóa "
           f"(ghi hôm nay thì xóa sau ngày {fmt_date(kept_until)}). Số lượt hỗ trợ vẫn được thống kê, "
           "không kèm tên.", st["body"]),
        _p("<b>4. Bảo vệ:</b> dữ liệu được mã hóa trên máy; chỉ tổ trưởng và quản trị viên được xem; "
           "mọi lần xem, xóa đều được ghi nhật ký.", st["body"]),
        _p("<b>5. Quyền của ông/bà:</b> được biết, xem, sửa, rút lại sự đồng ý và yêu cầu xóa dữ liệu bất cứ "
           "lúc nào, tại quầy hoặc qua cán bộ một cửa.", st["body"]),
        _p("<b>Căn cứ:</b> Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15; Nghị định số 356/2025/NĐ-CP.", st["body"]),
        Spacer(1, 3 * mm),
        _p("Ngày ...... tháng ...... năm 20......", st["small"]),
        Table([[_p("NGƯỜI DÂN ĐỒNG Ý", st["sign"]), _p("NGƯỜI TIẾP NHẬN", st["sign"])],
               [_p("(ký, ghi rõ họ tên)", st["small"]), _p("(ký, ghi rõ họ tên)", st["small"])],
               ["", ""]], colWidths=[80 * mm, 80 * mm], rowHeights=[None, None, 16 * mm],
              style=TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.SERIF)])),
    ]


def consent_slip_pdf(unit_name: str, purpose: str, retention_days: int, kept_until: dt.date) -> bytes:
    """One A4 page: the same slip twice (A5 halves), 'Liên 1' for the citizen, 'Liên 2' kept at the counter."""
    buf = io.BytesIO()
    canvas = _canvas(buf)
    canvas.setTitle(fonts.nfc("Phiếu đồng ý xử lý dữ liệu cá nhân"))
    canvas.setAuthor("dxdesk")
    half = _PAGE_H / 2
    st = _styles()
    for index, copy in enumerate(("Liên 1: người dân giữ", "Liên 2: lưu tại quầy")):
        bottom = half if index == 0 else 0
        story = consent_slip_paragraphs(unit_name, purpose, retention_days, kept_until)
        story.append(_p(copy, st["small"]))
        Frame(18 * mm, bottom + 8 * mm, _PAGE_W - 36 * mm, half - 16 * mm, showBoundary=0).addFromList(story, canvas)
    canvas.setDash(3, 3)
    canvas.setLineWidth(0.5)
    canvas.line(10 * mm, half, _PAGE_W - 10 * mm, half)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def consent_slip_for(slip) -> bytes:
    """The slip of a `dxdesk.security.privacy.ConsentSlip` (what the core read from the settings)."""
    return consent_slip_pdf(slip.unit_name, slip.purpose, slip.retention_days, slip.kept_until_example)


def recovery_sheet_pdf(code: str, database_label: str, printed_on: dt.date) -> bytes:
    """The recovery code on paper, with what it is for and how to use it."""
    st = _styles()
    buf = io.BytesIO()
    canvas = _canvas(buf)
    canvas.setTitle(fonts.nfc("Mã khôi phục khóa dữ liệu liên hệ"))
    groups = code.split("-")
    lines = ["  ".join(groups[i:i + 4]) for i in range(0, len(groups), 4)]
    e = fonts.xml_text
    story = [
        _p("dxdesk — MÃ KHÔI PHỤC KHÓA DỮ LIỆU LIÊN HỆ", st["title"]),
        _p(f"Cơ sở dữ liệu: {e(database_label)} · In ngày {fmt_date(printed_on)}", st["small"]),
        Spacer(1, 8 * mm),
        *[_p(e(line), st["code"]) for line in lines],
        Spacer(1, 8 * mm),
        _p("<b>Mã này mở được họ tên, số điện thoại người dân đã đồng ý để lại.</b> Cất trong tủ có khóa; "
           "không chụp ảnh, không gửi qua mạng. Mất mã và mất máy thì dữ liệu liên hệ không đọc lại được "
           "(số lượt hỗ trợ không bị ảnh hưởng).", st["body"]),
        _p("<b>Khi cài lại máy:</b> Cài đặt → Sao lưu → Nhập mã khôi phục, gõ đủ 14 nhóm (chữ hoa hay thường "
           "đều được).", st["body"]),
        _p("<b>Thêm máy dùng chung máy chủ PostgreSQL:</b> làm như trên trên máy mới; máy đó sẽ đọc, xóa theo "
           "yêu cầu và xóa quá hạn được như máy này.", st["body"]),
    ]
    Frame(20 * mm, 20 * mm, _PAGE_W - 40 * mm, _PAGE_H - 40 * mm).addFromList(story, canvas)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
