import AftercareDomain
import AftercareStore
import Foundation
import Vapor

/// what the API and the pages both read for a service report: uploaded photos and the signature image.
enum ReportIntake {
    /// The whole body an upload may send: the most files at the video limit would be too much for a phone; ten
    /// photos at their limit, or a video and a few photos, fit.
    static let maxUpload = ReportMedia.maxPhotoBytes * ReportMedia.maxPerUpload + 1_048_576
    /// A sign-off form: the signature image (base64 grows it by a third, form encoding by more) and the text.
    static let maxSignOff = ReportMedia.maxSignatureBytes * 3

    /// `…/files/{id}`: a report's photo or video, for whoever sees the report (staff, or its customer).
    @Sendable static func file(_ req: Request) async throws -> Response {
        FileResponse.make(try await req.reports.file(req.pageId()))
    }

    /// `…/{id}/signature`: the customer's signature image, for whoever sees the report.
    @Sendable static func signatureImage(_ req: Request) async throws -> Response {
        let id = try req.pageId()
        return FileResponse.make(data: try await req.reports.signature(of: id), kind: .png, name: "signature-\(id).png")
    }

    struct UploadForm: Content {
        var files: [File]?
    }

    /// The files of an upload form; an empty file input (no name, no bytes) is not a file.
    static func files(_ req: Request) throws -> [NewAttachment] {
        let form = try req.content.decode(UploadForm.self)
        return (form.files ?? []).filter { !$0.filename.isEmpty || $0.data.readableBytes > 0 }.map {
            NewAttachment(fileName: $0.filename, bytes: Array($0.data.readableBytesView))
        }
    }

    /// The signature as the canvas sends it (`data:image/png;base64,…`) or as base64 alone; nil for an empty field,
    /// a validation error naming `field` for anything that is not base64.
    static func signature(_ text: String?, field: String = "signature") throws -> [UInt8]? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        let payload = text.hasPrefix("data:") ? String(text.drop { $0 != "," }.dropFirst()) : text
        guard let data = Data(base64Encoded: payload, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw ValidationError([field: .invalidFormat(expected: "a PNG image in base64")])
        }
        return Array(data)
    }
}

/// the sign-off as typed, for the staff page and the portal (the signature itself is never sent back).
struct SignOffForm: Encodable {
    var signerName = ""
    var attitude = ""
    var quality = ""
    var timeliness = ""
    var customerRemarks = ""
    var noSignatureReason = ""
}

extension ReportIntake {
    /// A sign-off form: with the canvas's image when `signing`, else the reason there is none. The ratings are
    /// optional (the customer may not want to rate); a malformed one is a problem of its field.
    static func signOff(_ form: FormReader, signing: Bool, into v: inout AftercareDomain.Validator) -> (
        SignOffForm, ReportSignOff
    ) {
        var typed = SignOffForm()
        typed.signerName = form.string("signerName") ?? ""
        typed.attitude = form.string("attitude") ?? ""
        typed.quality = form.string("quality") ?? ""
        typed.timeliness = form.string("timeliness") ?? ""
        typed.customerRemarks = form.string("customerRemarks") ?? ""
        typed.noSignatureReason = form.string("noSignatureReason") ?? ""
        var image: [UInt8]?
        if signing {
            do {
                image = try signature(form.string("signature"))
            } catch {
                v.add("signature", .invalidFormat(expected: "a PNG image in base64"))
            }
            if image == nil, form.string("signature") == nil { v.add("signature", .required) }
        }
        let attitude = form.int("attitude", into: &v)
        let quality = form.int("quality", into: &v)
        let timeliness = form.int("timeliness", into: &v)
        var ratings: ServiceRatings?
        if let attitude, let quality, let timeliness {
            ratings = ServiceRatings(attitude: attitude, quality: quality, timeliness: timeliness)
        } else if attitude != nil || quality != nil || timeliness != nil {
            for (field, value) in [("attitude", attitude), ("quality", quality), ("timeliness", timeliness)]
            where value == nil {
                v.add(field, .required)
            }
        }
        let signOff = ReportSignOff(
            signerName: typed.signerName.isEmpty ? nil : typed.signerName, signature: signing ? (image ?? []) : nil,
            noSignatureReason: signing || typed.noSignatureReason.isEmpty ? nil : typed.noSignatureReason,
            ratings: ratings, customerRemarks: typed.customerRemarks.isEmpty ? nil : typed.customerRemarks)
        return (typed, signOff)
    }
}
