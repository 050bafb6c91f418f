import Foundation
import Testing

@testable import AftercareDomain

@Suite("Mail: the customer's own words, and the request number in subjects (R-10.6)")
struct MailReplyTests {
    static func reply(_ text: String) -> String {
        var message = MailMessage()
        message.text = text
        return message.replyText
    }

    @Test("Gmail in English: everything from “On … wrote:” goes, also when the line is wrapped")
    func gmailEnglish() {
        let text = """
            Friday morning is fine.

            Thanks,
            Wang

            On Tue, Mar 3, 2026 at 10:15 AM Aftercare Service <service@aftercare.example> wrote:
            > Dear customer,
            >
            > when may the engineer come?
            """
        #expect(Self.reply(text) == "Friday morning is fine.\n\nThanks,\nWang")
        let wrapped = """
            Yes.

            On Tue, Mar 3, 2026 at 10:15 AM Aftercare Service <
            service@aftercare.example> wrote:

            > Dear customer,
            """
        #expect(Self.reply(wrapped) == "Yes.")
    }

    @Test("Gmail and QQ Mail in Chinese: “在 … 写道：” and “原始邮件”")
    func gmailChinese() {
        let text = """
            好的，周五上午可以。

            在 2026年3月3日周二 10:15，售后服务中心 <service@aftercare.example> 写道：
            > 您好，请问工程师什么时候方便上门？
            """
        #expect(Self.reply(text) == "好的，周五上午可以。")
        let newer = "好的。\n\n售后服务中心 <service@aftercare.example> 于2026年3月3日周二 10:15写道：\n\n> 您好"
        #expect(Self.reply(newer) == "好的。")
        let qq = """
            收到，谢谢！

            ------------------ 原始邮件 ------------------
            发件人: "售后服务中心"<service@aftercare.example>;
            发送时间: 2026年3月3日(星期二) 上午10:15
            """
        #expect(Self.reply(qq) == "收到，谢谢！")
        let traditional = "可以。\n\n於 2026年3月3日 週二 上午10:15，售後服務 <service@aftercare.example> 寫道：\n> 您好"
        #expect(Self.reply(traditional) == "可以。")
    }

    @Test("Outlook: “From:”/“发件人:” header blocks and “-----Original Message-----”")
    func outlook() {
        let english = """
            Please come on Friday.

            ________________________________
            From: Aftercare Service <service@aftercare.example>
            Sent: Tuesday, March 3, 2026 10:15 AM
            To: Wang Wei <wang@example.com>
            Subject: [SR-2026-000467] Your request

            Dear customer,
            """
        #expect(Self.reply(english) == "Please come on Friday.")
        let chinese = """
            周五可以，谢谢。

            发件人: 售后服务中心 <service@aftercare.example>
            发送时间: 2026年3月3日 10:15
            收件人: 王伟 <wang@example.com>
            主题: [SR-2026-000467] 您的报修

            您好，
            """
        #expect(Self.reply(chinese) == "周五可以，谢谢。")
        let fullWidth = "好。\n\n*发件人：* 售后服务中心\n*发送时间：* 2026年3月3日\n\n您好"
        #expect(Self.reply(fullWidth) == "好。")
        let original = "Thanks.\n\n-----Original Message-----\nFrom: service@aftercare.example\nhello"
        #expect(Self.reply(original) == "Thanks.")
    }

    @Test("Spanish “El … escribió:”; interleaved answers are kept, quoted lines dropped")
    func spanishAndInline() {
        let spanish = """
            Sí, el viernes está bien.

            El mar, 3 mar 2026 a las 10:15, Servicio Técnico (<service@aftercare.example>) escribió:
            > ¿Cuándo puede venir el técnico?
            """
        #expect(Self.reply(spanish) == "Sí, el viernes está bien.")
        let inline = "> Which model is it?\nKFR-35GW\n> Since when?\nSince Monday"
        #expect(Self.reply(inline) == "KFR-35GW\nSince Monday")
    }

    @Test("a body that is only quotation is kept whole; a plain body is unchanged")
    func edges() {
        #expect(Self.reply("> only quoted\n> lines") == "> only quoted\n> lines")
        #expect(Self.reply("  The unit is broken.\nFrom: the kitchen.\n") == "The unit is broken.\nFrom: the kitchen.")
        #expect(Self.reply("") == "")
    }

    @Test("the request number is found anywhere in a subject, in any case, and returned upper-cased")
    func numbers() {
        #expect(RequestTag.number(in: "Re: [SR-2026-000467] 空调不制冷") == "SR-2026-000467")
        #expect(RequestTag.number(in: "回复：【sr-2026-000467】空调") == "SR-2026-000467")
        #expect(RequestTag.number(in: "about sr-2026-000467, again") == "SR-2026-000467")
        #expect(RequestTag.number(in: "SR-2026-0004671234") == "SR-2026-0004671234")
        #expect(RequestTag.number(in: "Re: 空调不制冷") == nil)
        #expect(RequestTag.number(in: "SR-26-000467") == nil)
        #expect(RequestTag.number(in: "SR-2026-12345") == nil)
        #expect(RequestTag.number(in: "XSR-2026-000467") == nil)
        #expect(RequestTag.number(in: "SR-2026-0000001234567") == nil)
        #expect(RequestTag.number(in: "SR-") == nil)
    }

    @Test("an outgoing subject is tagged once")
    func tagging() {
        #expect(RequestTag.tagged("空调不制冷", number: "SR-2026-000467") == "[SR-2026-000467] 空调不制冷")
        #expect(RequestTag.tagged(" Re: [SR-2026-000467] 空调 ", number: "SR-2026-000467") == "Re: [SR-2026-000467] 空调")
        #expect(RequestTag.tagged("Re: sr-2026-000467", number: "sr-2026-000467") == "Re: sr-2026-000467")
        #expect(
            RequestTag.tagged("[SR-2025-000001] old", number: "SR-2026-000467")
                == "[SR-2026-000467] [SR-2025-000001] old")
        #expect(RequestTag.tagged("", number: "SR-2026-000467") == "[SR-2026-000467]")
    }
}
