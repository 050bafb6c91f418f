import AftercareDomain
import AftercareStore
import AftercareTestSupport
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import AftercareServer

/// every route of the router × every role. The expectation is written here, route by route, apart from
/// the route declarations, so that a route registered with the wrong requirement (or none) fails.
@Suite("The authorization matrix")
struct AuthorizationMatrixTests {
    enum Expect: Equatable {
        case open, signedIn
        case action(Action)
    }

    static let matrix: [String: Expect] = [
        "GET /healthz": .open, "GET /openapi.yaml": .open,
        // complaints: only handlers work them; the service department answers statements
        "GET /complaints": .action(.handleComplaints), "GET /complaints/new": .action(.fileComplaints),
        "POST /complaints": .action(.fileComplaints), "GET /complaints/:id": .action(.handleComplaints),
        "GET /complaints/:id/print": .action(.handleComplaints),
        "POST /complaints/:id/events": .action(.handleComplaints),
        "POST /complaints/:id/handler": .action(.handleComplaints),
        "POST /complaints/:id/findings": .action(.handleComplaints),
        "POST /complaints/:id/notes": .action(.handleComplaints),
        "POST /complaints/:id/statements": .action(.handleComplaints),
        "POST /complaints/:id/actions": .action(.handleComplaints),
        "POST /complaints/:id/actions/:actionId/done": .action(.handleComplaints),
        "POST /complaints/:id/review": .action(.superviseComplaints),
        "GET /statements": .action(.answerStatements), "POST /statements/:id/answer": .action(.answerStatements),
        "GET /complaints/statistics": .action(.viewComplaintStats),
        "POST /improvement-actions": .action(.manageImprovements),
        "POST /improvement-actions/:id/close": .action(.manageImprovements),
        "GET /portal/complaints": .action(.usePortal), "GET /portal/complaints/new": .action(.usePortal),
        "POST /portal/complaints": .action(.usePortal), "GET /portal/complaints/:id": .action(.usePortal),
        "POST /portal/complaints/:id/events": .action(.usePortal),
        "GET /complain": .open, "POST /complain": .open, "GET /complain/thanks": .open,
        "GET /api/v1/complaints": .action(.handleComplaints), "POST /api/v1/complaints": .action(.fileComplaints),
        "GET /api/v1/complaints/:id": .action(.handleComplaints),
        "PATCH /api/v1/complaints/:id": .action(.handleComplaints),
        "GET /api/v1/complaints/:id/file": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/events": .action(.handleComplaints),
        "PUT /api/v1/complaints/:id/handler": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/notes": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/actions": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/actions/:actionId/done": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/statements": .action(.handleComplaints),
        "POST /api/v1/complaints/:id/review": .action(.superviseComplaints),
        "GET /api/v1/complaints/:id/audit": .action(.handleComplaints),
        "GET /api/v1/statements": .action(.answerStatements), "GET /api/v1/statements/:id": .action(.answerStatements),
        "POST /api/v1/statements/:id/answer": .action(.answerStatements),
        "POST /api/v1/statements/:id/withdraw": .action(.handleComplaints),
        "GET /api/v1/service-requests/:id/complaints": .action(.viewRequests),
        "GET /api/v1/reports/complaints": .action(.viewComplaintStats),
        "GET /api/v1/improvement-actions": .action(.viewComplaintStats),
        "POST /api/v1/improvement-actions": .action(.manageImprovements),
        "GET /api/v1/improvement-actions/:id": .action(.viewComplaintStats),
        "POST /api/v1/improvement-actions/:id/close": .action(.manageImprovements),
        "POST /api/v1/public/complaints": .open,
        // suggestions
        "GET /suggestions": .action(.handleSuggestions), "GET /suggestions/new": .action(.handleSuggestions),
        "POST /suggestions": .action(.handleSuggestions), "GET /suggestions/qr": .action(.handleSuggestions),
        "GET /suggestions/:id": .action(.handleSuggestions),
        "POST /suggestions/:id/events": .action(.handleSuggestions),
        "POST /suggestions/:id/rewards": .action(.handleSuggestions),
        "POST /suggestions/:id/rewards/:rewardId/decision": .action(.approveRewards),
        "GET /suggest": .open, "POST /suggest": .open, "GET /suggest/thanks": .open,
        "GET /portal/suggestions": .action(.usePortal), "GET /portal/suggestions/new": .action(.usePortal),
        "POST /portal/suggestions": .action(.usePortal),
        "GET /api/v1/suggestions": .action(.handleSuggestions), "POST /api/v1/suggestions": .action(.handleSuggestions),
        "GET /api/v1/suggestions/:id": .action(.handleSuggestions),
        "GET /api/v1/suggestions/:id/file": .action(.handleSuggestions),
        "POST /api/v1/suggestions/:id/events": .action(.handleSuggestions),
        "POST /api/v1/suggestions/:id/rewards": .action(.handleSuggestions),
        "POST /api/v1/suggestion-rewards/:id/decision": .action(.approveRewards),
        "POST /api/v1/public/suggestions": .open,
        // surveys
        "GET /surveys": .action(.viewSurveyResults), "GET /surveys/results": .action(.viewSurveyResults),
        "GET /surveys/new": .action(.manageSurveys), "POST /surveys": .action(.manageSurveys),
        "GET /surveys/:id/edit": .action(.manageSurveys), "POST /surveys/:id": .action(.manageSurveys),
        "POST /surveys/:id/status": .action(.manageSurveys), "POST /surveys/:id/rounds": .action(.manageSurveys),
        "GET /surveys/invitations": .action(.recordSurveyAnswers),
        "GET /surveys/invitations/:id": .action(.recordSurveyAnswers),
        "POST /surveys/invitations/:id/answers": .action(.recordSurveyAnswers),
        "POST /surveys/invitations/:id/cancel": .action(.recordSurveyAnswers),
        "GET /portal/surveys": .action(.usePortal), "GET /portal/surveys/:id": .action(.usePortal),
        "POST /portal/surveys/:id/answers": .action(.usePortal),
        "GET /s/thanks": .open, "GET /s/:token": .open, "POST /s/:token": .open,
        "GET /api/v1/surveys": .action(.viewSurveyResults), "POST /api/v1/surveys": .action(.manageSurveys),
        "GET /api/v1/surveys/:id": .action(.viewSurveyResults), "PUT /api/v1/surveys/:id": .action(.manageSurveys),
        "POST /api/v1/surveys/:id/status": .action(.manageSurveys),
        "POST /api/v1/surveys/:id/rounds": .action(.manageSurveys),
        "GET /api/v1/survey-invitations": .action(.recordSurveyAnswers),
        "GET /api/v1/survey-invitations/:id": .action(.recordSurveyAnswers),
        "GET /api/v1/survey-invitations/:id/link": .action(.recordSurveyAnswers),
        "POST /api/v1/survey-invitations/:id/answers": .action(.recordSurveyAnswers),
        "POST /api/v1/survey-invitations/:id/cancel": .action(.recordSurveyAnswers),
        "GET /api/v1/reports/surveys": .action(.viewSurveyResults),
        "GET /api/v1/public/surveys/:token": .open, "POST /api/v1/public/surveys/:token": .open,
        // periodic customer visits, committee meetings, mystery shopping
        "GET /customer-visits": .action(.planCustomerVisits),
        "POST /customer-visits/plan": .action(.planCustomerVisits),
        "POST /customer-visits/rules": .action(.planCustomerVisits),
        "POST /customer-visits/:id/record": .action(.planCustomerVisits),
        "POST /customer-visits/:id/cancel": .action(.planCustomerVisits),
        "GET /committee-meetings": .action(.planCustomerVisits),
        "POST /committee-meetings": .action(.planCustomerVisits),
        "POST /committee-meetings/:id/decisions/:index/done": .action(.planCustomerVisits),
        "GET /mystery-shopping": .action(.mysteryShopping), "POST /mystery-shopping": .action(.mysteryShopping),
        "GET /api/v1/visit-plan/rules": .action(.planCustomerVisits),
        "PUT /api/v1/visit-plan/rules": .action(.planCustomerVisits),
        "POST /api/v1/visit-plan/run": .action(.planCustomerVisits),
        "GET /api/v1/customer-visits": .action(.planCustomerVisits),
        "POST /api/v1/customer-visits/:id/record": .action(.planCustomerVisits),
        "POST /api/v1/customer-visits/:id/cancel": .action(.planCustomerVisits),
        "GET /api/v1/committee-meetings": .action(.planCustomerVisits),
        "POST /api/v1/committee-meetings": .action(.planCustomerVisits),
        "POST /api/v1/committee-meetings/:id/decisions/:index/done": .action(.planCustomerVisits),
        "GET /api/v1/mystery-inspections": .action(.mysteryShopping),
        "POST /api/v1/mystery-inspections": .action(.mysteryShopping),
        "GET /api/v1/mystery-inspections/:id": .action(.mysteryShopping),
        "GET /api/v1/reports/mystery-shopping": .action(.mysteryShopping),
        // sign-in, language, own account, reset links
        "GET /login": .open, "POST /login": .open, "POST /logout": .signedIn, "POST /language": .open,
        "GET /account": .signedIn, "POST /account/password": .signedIn, "POST /account/tokens": .signedIn,
        "POST /account/tokens/:id/revoke": .signedIn, "GET /reset/:token": .open, "POST /reset/:token": .open,
        // the desk
        "GET /": .signedIn, "GET /requests": .action(.viewRequests), "GET /requests/new": .action(.registerRequests),
        "POST /requests/new/customer": .action(.manageCustomers), "POST /requests": .action(.registerRequests),
        "GET /requests/:id": .action(.viewRequests), "POST /requests/:id/events": .action(.viewRequests),
        "GET /requests/:id/print": .action(.viewRequests), "GET /customers/:id": .action(.viewCustomers),
        "GET /units/:id": .action(.viewInstalledBase), "GET /lookup/units": .action(.viewInstalledBase),
        "GET /search": .action(.viewRequests),
        // the conversation
        "POST /requests/:id/messages": .action(.viewRequests), "GET /attachments/:id": .signedIn,
        "POST /portal/requests/:id/messages": .action(.usePortal),
        "GET /api/v1/service-requests/:id/messages": .action(.viewRequests),
        "POST /api/v1/service-requests/:id/messages": .action(.viewRequests),
        // e-mail in and out: the gateway's door checks its own secret
        "POST /api/v1/mail/inbound": .open, "GET /admin/mail": .action(.manageMail),
        "GET /admin/mail/inbound/:id/raw": .action(.manageMail), "GET /api/v1/mail/inbound": .action(.manageMail),
        "GET /api/v1/mail/outbox": .action(.manageMail),
        // service reports, repeat repairs and spot checks: the store decides who writes and signs each report
        "POST /api/v1/visits/:id/reports": .action(.viewVisits), "GET /api/v1/service-reports": .action(.viewVisits),
        "GET /api/v1/service-reports/:id": .action(.viewVisits),
        "PATCH /api/v1/service-reports/:id": .action(.viewVisits),
        "POST /api/v1/service-reports/:id/events": .action(.viewVisits),
        "POST /api/v1/service-reports/:id/photos": .action(.viewVisits),
        "GET /api/v1/service-reports/:id/signature": .action(.viewVisits),
        "GET /api/v1/service-reports/:id/audit": .action(.viewAudit),
        "GET /api/v1/service-report-files/:id": .action(.viewVisits),
        "GET /api/v1/engineers/:id/quality": .action(.viewVisits),
        "GET /api/v1/spot-checks": .action(.checkQuality), "GET /api/v1/spot-checks/:id": .action(.checkQuality),
        "POST /api/v1/spot-checks/:id/events": .action(.checkQuality),
        "GET /api/v1/fault-codes": .action(.viewCatalogue), "POST /api/v1/fault-codes": .action(.manageCatalogue),
        "GET /api/v1/fault-codes/:id": .action(.viewCatalogue),
        "PATCH /api/v1/fault-codes/:id": .action(.manageCatalogue),
        "POST /api/v1/fault-codes/:id/archive": .action(.manageCatalogue),
        "GET /api/v1/fault-codes/:id/audit": .action(.viewAudit),
        "GET /api/v1/quality/settings": .action(.viewVisits), "POST /api/v1/quality/settings": .action(.reviewReports),
        "GET /api/v1/quality/settings/:id": .action(.viewVisits),
        "PATCH /api/v1/quality/settings/:id": .action(.reviewReports),
        "POST /api/v1/quality/settings/:id/archive": .action(.reviewReports),
        "GET /api/v1/quality/settings/:id/audit": .action(.viewAudit),
        "POST /visits/:id/reports": .action(.viewVisits), "GET /reports": .action(.viewVisits),
        "GET /reports/:id": .action(.viewVisits), "GET /reports/:id/print": .action(.viewVisits),
        "GET /reports/:id/signature": .action(.viewVisits), "GET /reports/files/:id": .action(.viewVisits),
        "POST /reports/:id": .action(.viewVisits), "POST /reports/:id/photos": .action(.viewVisits),
        "POST /reports/:id/sign": .action(.viewVisits), "POST /reports/:id/events": .action(.viewVisits),
        "GET /quality/setup": .action(.viewVisits), "POST /quality/setup/fault-codes": .action(.manageCatalogue),
        "POST /quality/setup/fault-codes/:id": .action(.manageCatalogue),
        "POST /quality/setup/settings": .action(.reviewReports),
        "GET /quality/spot-checks": .action(.checkQuality), "POST /quality/spot-checks/:id": .action(.checkQuality),
        "GET /portal/reports/:id": .action(.usePortal), "GET /portal/reports/:id/print": .action(.usePortal),
        "GET /portal/reports/:id/signature": .action(.usePortal), "GET /portal/reports/files/:id": .action(.usePortal),
        "POST /portal/reports/:id/sign": .action(.usePortal),
        // fee schedules and pricing
        "GET /api/v1/fee-schedules": .action(.viewFees), "POST /api/v1/fee-schedules": .action(.manageFees),
        "GET /api/v1/fee-schedules/applicable": .action(.viewFees), "GET /api/v1/fee-schedules/:id": .action(.viewFees),
        "POST /api/v1/fee-schedules/:id/withdraw": .action(.manageFees),
        "GET /api/v1/fee-schedules/:id/audit": .action(.viewAudit), "POST /api/v1/pricing": .action(.viewFees),
        "GET /fees": .action(.viewFees), "GET /fees/new": .action(.manageFees), "POST /fees": .action(.manageFees),
        "GET /fees/:id": .action(.viewFees), "GET /fees/price": .action(.viewFees),
        "POST /fees/:id/withdraw": .action(.manageFees),
        // quotes, fee documents and payments
        "GET /api/v1/service-requests/:id/quotes": .action(.viewFees),
        "POST /api/v1/service-requests/:id/quotes": .action(.quoteJobs),
        "POST /api/v1/service-requests/:id/fee-documents": .action(.billFees),
        "GET /api/v1/quotes": .action(.viewFees), "GET /api/v1/quotes/:id": .action(.viewFees),
        "POST /api/v1/quotes/:id/events": .action(.quoteJobs), "GET /api/v1/quotes/:id/audit": .action(.viewAudit),
        "GET /api/v1/quote-rules": .action(.viewFees), "PUT /api/v1/quote-rules": .action(.manageFees),
        "GET /api/v1/fee-documents": .action(.viewFees), "GET /api/v1/fee-documents/export": .action(.billFees),
        "GET /api/v1/fee-documents/:id": .action(.viewFees),
        "POST /api/v1/fee-documents/:id/payments": .action(.recordPayments),
        "POST /api/v1/fee-documents/:id/credit-notes": .action(.recordPayments),
        "GET /api/v1/fee-documents/:id/audit": .action(.viewAudit), "GET /api/v1/payments/export": .action(.billFees),
        "GET /api/v1/reports/fees": .action(.billFees),
        "GET /billing": .action(.viewFees), "GET /billing/report": .action(.billFees),
        "POST /billing/quote-rules": .action(.manageFees),
        "GET /billing/export/documents.csv": .action(.billFees), "GET /billing/export/payments.csv": .action(.billFees),
        "GET /billing/:id": .action(.viewFees), "GET /billing/:id/print": .action(.viewFees),
        "POST /billing/:id/payments": .action(.recordPayments),
        "POST /billing/:id/credit-notes": .action(.recordPayments),
        "POST /requests/:id/fee-documents": .action(.billFees), "POST /requests/:id/quotes": .action(.quoteJobs),
        "GET /quotes/:id": .action(.viewFees), "GET /quotes/:id/print": .action(.viewFees),
        "POST /quotes/:id/events": .action(.quoteJobs), "POST /portal/quotes/:id": .action(.usePortal),
        "GET /portal/quotes/:id/print": .action(.usePortal), "GET /portal/billing/:id/print": .action(.usePortal),
        // return cases; the step's own action is checked in the handler
        "GET /api/v1/return-cases": .action(.viewReturns), "POST /api/v1/return-cases": .action(.openReturns),
        "GET /api/v1/return-cases/:id": .action(.viewReturns),
        "POST /api/v1/return-cases/:id/events": .action(.viewReturns),
        "GET /api/v1/return-cases/:id/events": .action(.viewReturns),
        "GET /api/v1/return-cases/:id/audit": .action(.viewAudit),
        "GET /api/v1/service-requests/:id/return-cases": .action(.viewReturns),
        "GET /api/v1/return-rules": .action(.viewReturns), "PUT /api/v1/return-rules": .action(.approveReturns),
        "GET /api/v1/return-cases/:id/repair": .action(.viewReturns),
        "PUT /api/v1/return-cases/:id/repair": .action(.workDepot),
        "POST /api/v1/return-cases/:id/parts": .action(.workDepot),
        "GET /api/v1/return-cases/:id/loans": .action(.viewReturns),
        "GET /api/v1/loaners": .action(.viewReturns), "POST /api/v1/loaners": .action(.workDepot),
        "GET /api/v1/loaners/overdue": .action(.viewReturns), "GET /api/v1/loaners/:id": .action(.viewReturns),
        "POST /api/v1/loaners/:id/lend": .action(.lendLoaners),
        "POST /api/v1/loaners/:id/return": .action(.lendLoaners),
        "POST /api/v1/loaners/:id/retire": .action(.workDepot),
        "GET /api/v1/nonconformities": .action(.viewReturns), "GET /api/v1/nonconformities/:id": .action(.viewReturns),
        "PATCH /api/v1/nonconformities/:id": .action(.checkQuality),
        "GET /api/v1/reports/nonconformities": .action(.viewReturns),
        "GET /returns": .action(.viewReturns), "GET /returns/new": .action(.openReturns),
        "POST /returns": .action(.openReturns), "POST /returns/rules": .action(.approveReturns),
        "GET /returns/:id": .action(.viewReturns), "GET /returns/:id/print": .action(.viewReturns),
        "POST /returns/:id/events": .action(.viewReturns), "POST /returns/:id/repair": .action(.workDepot),
        "POST /returns/:id/parts": .action(.workDepot), "POST /returns/:id/loans": .action(.lendLoaners),
        "GET /loaners": .action(.viewReturns), "POST /loaners": .action(.workDepot),
        "POST /loaners/:id/return": .action(.lendLoaners), "POST /loaners/:id/retire": .action(.workDepot),
        "GET /nonconformities": .action(.viewReturns), "GET /nonconformities/export.csv": .action(.viewReturns),
        "GET /nonconformities/print": .action(.viewReturns), "GET /nonconformities/:id": .action(.viewReturns),
        "POST /nonconformities/:id": .action(.checkQuality),
        "GET /portal/returns": .action(.usePortal), "POST /portal/returns": .action(.usePortal),
        "GET /portal/returns/:id": .action(.usePortal), "POST /portal/returns/:id/events": .action(.usePortal),
        "POST /portal/returns/:id/photos": .action(.usePortal), "GET /portal/returns/photos/:id": .action(.usePortal),
        "POST /returns/:id/photos": .action(.viewReturns), "GET /returns/photos/:id": .action(.viewReturns),
        // saved views of the request list (issue 14)
        "POST /requests/views": .action(.viewRequests), "POST /requests/views/:id/archive": .action(.viewRequests),
        // customers and units
        "GET /customers": .action(.viewCustomers), "GET /customers/new": .action(.manageCustomers),
        "POST /customers": .action(.manageCustomers), "GET /customers/:id/edit": .action(.manageCustomers),
        "POST /customers/:id": .action(.manageCustomers), "POST /customers/:id/archive": .action(.manageCustomers),
        "GET /units": .action(.viewInstalledBase), "GET /units/new": .action(.manageInstalledBase),
        "POST /units": .action(.manageInstalledBase), "GET /units/:id/edit": .action(.manageInstalledBase),
        "POST /units/:id": .action(.manageInstalledBase), "POST /units/:id/archive": .action(.manageInstalledBase),
        // the portal
        "GET /portal": .action(.usePortal), "GET /portal/requests/new": .action(.usePortal),
        "POST /portal/requests": .action(.usePortal), "GET /portal/requests/:id": .action(.usePortal),
        // user administration pages
        "GET /admin/users": .action(.manageUsers), "GET /admin/users/new": .action(.manageUsers),
        "POST /admin/users": .action(.manageUsers), "GET /admin/users/:id": .action(.manageUsers),
        "POST /admin/users/:id": .action(.manageUsers), "POST /admin/users/:id/disable": .action(.manageUsers),
        "POST /admin/users/:id/enable": .action(.manageUsers), "POST /admin/users/:id/reset": .action(.manageUsers),
        // commitments pages
        "GET /sla/queue": .action(.viewSLA), "GET /sla/report": .action(.viewSLA),
        "GET /admin/sla/policies": .action(.manageSLA), "GET /admin/sla/policies/new": .action(.manageSLA),
        "POST /admin/sla/policies": .action(.manageSLA), "GET /admin/sla/policies/:id": .action(.manageSLA),
        "POST /admin/sla/policies/:id": .action(.manageSLA),
        "POST /admin/sla/policies/:id/archive": .action(.manageSLA),
        "GET /admin/sla/calendars": .action(.manageSLA), "GET /admin/sla/calendars/new": .action(.manageSLA),
        "POST /admin/sla/calendars": .action(.manageSLA), "GET /admin/sla/calendars/:id": .action(.manageSLA),
        "POST /admin/sla/calendars/:id": .action(.manageSLA),
        "POST /admin/sla/calendars/:id/holidays": .action(.manageSLA),
        "GET /follow-ups": .action(.handleFollowUps), "GET /follow-ups/:id": .action(.handleFollowUps),
        "POST /follow-ups/:id": .action(.handleFollowUps),
        "GET /admin/follow-up-rules": .action(.manageFollowUpRules),
        "GET /admin/follow-up-rules/:id": .action(.manageFollowUpRules),
        "POST /admin/follow-up-rules/:id": .action(.manageFollowUpRules),
        "GET /inbox": .signedIn, "POST /inbox/read-all": .signedIn, "POST /inbox/:id/read": .signedIn,
        // parts pages
        "GET /stock": .action(.viewStock), "GET /parts/:id": .action(.viewStock), "GET /my/van": .action(.requestParts),
        "GET /requisitions": .action(.viewStock), "GET /requisitions/new": .action(.requestParts),
        "POST /requisitions/new": .action(.requestParts), "GET /requisitions/:id": .action(.viewStock),
        "GET /requisitions/:id/print": .action(.viewStock), "POST /requisitions/:id/events": .action(.viewStock),
        "GET /purchasing": .action(.viewStock), "POST /purchasing/orders": .action(.managePurchasing),
        "GET /purchasing/orders/:id": .action(.viewStock),
        "POST /purchasing/orders/:id/receive": .action(.managePurchasing),
        "POST /purchasing/orders/:id/receipts/:receiptId/inspection": .action(.managePurchasing),
        "POST /purchasing/orders/:id/close": .action(.managePurchasing),
        "GET /stocktakes": .action(.viewStock), "POST /stocktakes": .action(.moveStock),
        "GET /stocktakes/:id": .action(.viewStock), "POST /stocktakes/:id/counts": .action(.moveStock),
        "POST /stocktakes/:id/approve": .action(.approveStocktakes), "POST /stocktakes/:id/cancel": .action(.moveStock),
        // dispatch pages
        "POST /dispatch/plans/:id/insert": .action(.dispatchVisits),
        "GET /dispatch": .action(.viewVisits), "POST /dispatch/plan": .action(.dispatchVisits),
        "POST /dispatch/plans/:id/accept": .action(.dispatchVisits), "GET /visits/:id": .action(.viewVisits),
        "POST /visits/:id/events": .action(.viewVisits), "POST /requests/:id/visits": .action(.dispatchVisits),
        "POST /visits/:id/requisitions": .action(.requestParts),
        "GET /my-day": .action(.workVisits), "GET /admin/engineers": .action(.manageEngineers),
        "GET /admin/engineers/new": .action(.manageEngineers), "POST /admin/engineers": .action(.manageEngineers),
        "GET /admin/engineers/:id": .action(.manageEngineers), "POST /admin/engineers/:id": .action(.manageEngineers),
        // JSON API: accounts
        "GET /api/v1/me": .signedIn, "GET /api/v1/tokens": .signedIn, "POST /api/v1/tokens": .signedIn,
        "POST /api/v1/tokens/:id/revoke": .signedIn,
        "GET /api/v1/users": .action(.manageUsers), "POST /api/v1/users": .action(.manageUsers),
        "GET /api/v1/users/:id": .action(.manageUsers), "PATCH /api/v1/users/:id": .action(.manageUsers),
        "POST /api/v1/users/:id/archive": .action(.manageUsers), "GET /api/v1/users/:id/audit": .action(.manageUsers),
        "POST /api/v1/users/:id/disable": .action(.manageUsers), "POST /api/v1/users/:id/enable": .action(.manageUsers),
        "POST /api/v1/users/:id/reset-link": .action(.manageUsers),
        // calendars, policies, clocks, queue, compliance, follow-ups, inbox, webhooks.
        "GET /api/v1/sla/calendars": .action(.viewSLA), "POST /api/v1/sla/calendars": .action(.manageSLA),
        "GET /api/v1/sla/calendars/:id": .action(.viewSLA), "PATCH /api/v1/sla/calendars/:id": .action(.manageSLA),
        "POST /api/v1/sla/calendars/:id/archive": .action(.manageSLA),
        "GET /api/v1/sla/calendars/:id/audit": .action(.viewAudit),
        "GET /api/v1/sla/calendars/:id/holidays.csv": .action(.viewSLA),
        "POST /api/v1/sla/calendars/:id/holidays": .action(.manageSLA),
        "GET /api/v1/sla/policies": .action(.viewSLA), "POST /api/v1/sla/policies": .action(.manageSLA),
        "GET /api/v1/sla/policies/:id": .action(.viewSLA), "PATCH /api/v1/sla/policies/:id": .action(.manageSLA),
        "POST /api/v1/sla/policies/:id/archive": .action(.manageSLA),
        "GET /api/v1/sla/policies/:id/audit": .action(.viewAudit),
        "GET /api/v1/follow-up-rules": .action(.handleFollowUps),
        "POST /api/v1/follow-up-rules": .action(.manageFollowUpRules),
        "GET /api/v1/follow-up-rules/:id": .action(.handleFollowUps),
        "PATCH /api/v1/follow-up-rules/:id": .action(.manageFollowUpRules),
        "POST /api/v1/follow-up-rules/:id/archive": .action(.manageFollowUpRules),
        "GET /api/v1/follow-up-rules/:id/audit": .action(.viewAudit),
        "GET /api/v1/service-requests/:id/sla": .action(.viewSLA), "GET /api/v1/sla/queue": .action(.viewSLA),
        "GET /api/v1/sla/compliance": .action(.viewSLA), "GET /api/v1/sla/compliance.csv": .action(.viewSLA),
        "GET /api/v1/follow-ups": .action(.handleFollowUps), "GET /api/v1/follow-ups/:id": .action(.handleFollowUps),
        "POST /api/v1/follow-ups/:id/result": .action(.handleFollowUps),
        "GET /api/v1/notifications": .signedIn, "POST /api/v1/notifications/read-all": .signedIn,
        "POST /api/v1/notifications/:id/read": .signedIn,
        "GET /api/v1/webhooks": .action(.manageWebhooks), "POST /api/v1/webhooks": .action(.manageWebhooks),
        "GET /api/v1/webhooks/:id": .action(.manageWebhooks), "PATCH /api/v1/webhooks/:id": .action(.manageWebhooks),
        "POST /api/v1/webhooks/:id/archive": .action(.manageWebhooks),
        "POST /api/v1/webhooks/:id/rotate-secret": .action(.manageWebhooks),
        "GET /api/v1/webhooks/:id/deliveries": .action(.manageWebhooks),
        "GET /api/v1/webhooks/:id/audit": .action(.manageWebhooks),
        // engineers, visits, recommendations, route plans, travel settings (dispatch API).
        "GET /api/v1/engineers": .action(.viewVisits), "POST /api/v1/engineers": .action(.manageEngineers),
        "GET /api/v1/engineers/:id": .action(.viewVisits), "PATCH /api/v1/engineers/:id": .action(.manageEngineers),
        "POST /api/v1/engineers/:id/archive": .action(.manageEngineers),
        "GET /api/v1/engineers/:id/audit": .action(.viewAudit),
        "GET /api/v1/dispatch/settings": .action(.viewVisits),
        "POST /api/v1/dispatch/settings": .action(.manageEngineers),
        "GET /api/v1/dispatch/settings/:id": .action(.viewVisits),
        "PATCH /api/v1/dispatch/settings/:id": .action(.manageEngineers),
        "POST /api/v1/dispatch/settings/:id/archive": .action(.manageEngineers),
        "GET /api/v1/dispatch/settings/:id/audit": .action(.viewAudit),
        "POST /api/v1/service-requests/:id/visits": .action(.dispatchVisits),
        "GET /api/v1/visits": .action(.viewVisits), "GET /api/v1/visits/:id": .action(.viewVisits),
        "POST /api/v1/visits/:id/events": .action(.viewVisits),
        "GET /api/v1/visits/:id/recommendations": .action(.dispatchVisits),
        "GET /api/v1/dispatch/plans": .action(.viewVisits), "POST /api/v1/dispatch/plans": .action(.dispatchVisits),
        "GET /api/v1/dispatch/plans/:id": .action(.viewVisits),
        "POST /api/v1/dispatch/plans/:id/accept": .action(.dispatchVisits),
        "POST /api/v1/dispatch/plans/:id/insert": .action(.dispatchVisits),
        // spare parts (parts API).
        "GET /api/v1/parts": .action(.viewStock), "POST /api/v1/parts": .action(.manageParts),
        "GET /api/v1/parts/:id": .action(.viewStock), "PATCH /api/v1/parts/:id": .action(.manageParts),
        "POST /api/v1/parts/:id/archive": .action(.manageParts), "GET /api/v1/parts/:id/audit": .action(.viewAudit),
        "GET /api/v1/parts/:id/stock": .action(.viewStock), "GET /api/v1/parts/:id/prices": .action(.viewStock),
        "POST /api/v1/parts/import": .action(.manageParts),
        "GET /api/v1/warehouses": .action(.viewStock), "POST /api/v1/warehouses": .action(.manageParts),
        "GET /api/v1/warehouses/:id": .action(.viewStock), "PATCH /api/v1/warehouses/:id": .action(.manageParts),
        "POST /api/v1/warehouses/:id/archive": .action(.manageParts),
        "GET /api/v1/warehouses/:id/audit": .action(.viewAudit),
        "GET /api/v1/stock-rules": .action(.viewStock), "POST /api/v1/stock-rules": .action(.manageParts),
        "GET /api/v1/stock-rules/:id": .action(.viewStock), "PATCH /api/v1/stock-rules/:id": .action(.manageParts),
        "POST /api/v1/stock-rules/:id/archive": .action(.manageParts),
        "GET /api/v1/stock-rules/:id/audit": .action(.viewAudit),
        "GET /api/v1/stock": .action(.viewStock), "GET /api/v1/stock/ledger": .action(.viewStock),
        "GET /api/v1/stock/ledger.csv": .action(.viewStock), "GET /api/v1/stock/ledger/:id": .action(.viewStock),
        "POST /api/v1/stock/ledger/:id/correct": .action(.moveStock), "GET /api/v1/stock/verify": .action(.manageParts),
        "GET /api/v1/stock/expiring": .action(.viewStock), "GET /api/v1/stock/serials": .action(.viewStock),
        "POST /api/v1/stock/receipts": .action(.moveStock), "POST /api/v1/stock/issues": .action(.moveStock),
        "POST /api/v1/stock/returns": .action(.moveStock), "POST /api/v1/stock/write-offs": .action(.moveStock),
        "GET /api/v1/stock/transfers": .action(.viewStock), "POST /api/v1/stock/transfers": .action(.moveStock),
        "POST /api/v1/stock/transfers/:id/receive": .action(.moveStock),
        "POST /api/v1/stock/opening-balances/import": .action(.moveStock),
        "GET /api/v1/requisitions": .action(.viewStock), "POST /api/v1/requisitions": .action(.requestParts),
        "GET /api/v1/requisitions/:id": .action(.viewStock),
        "POST /api/v1/requisitions/:id/events": .action(.viewStock),
        "POST /api/v1/visits/:id/requisitions": .action(.requestParts),
        "GET /api/v1/purchase-suggestions": .action(.viewStock),
        "GET /api/v1/purchase-orders": .action(.viewStock), "POST /api/v1/purchase-orders": .action(.managePurchasing),
        "GET /api/v1/purchase-orders/:id": .action(.viewStock),
        "POST /api/v1/purchase-orders/:id/receipts": .action(.managePurchasing),
        "POST /api/v1/purchase-orders/:id/receipts/:receiptId/inspection": .action(.managePurchasing),
        "POST /api/v1/purchase-orders/:id/close": .action(.managePurchasing),
        "GET /api/v1/stocktakes": .action(.viewStock), "POST /api/v1/stocktakes": .action(.moveStock),
        "GET /api/v1/stocktakes/:id": .action(.viewStock), "GET /api/v1/stocktakes/:id/variance": .action(.viewStock),
        "POST /api/v1/stocktakes/:id/counts": .action(.moveStock),
        "POST /api/v1/stocktakes/:id/approve": .action(.approveStocktakes),
        "POST /api/v1/stocktakes/:id/cancel": .action(.moveStock),
        "GET /api/v1/reports/parts/consumption": .action(.viewStock),
        "GET /api/v1/reports/parts/value": .action(.viewStock),
        "GET /api/v1/reports/parts/slow-movers": .action(.viewStock),
        "GET /api/v1/reports/parts/stock-outs": .action(.viewStock),
        // JSON API: records
        "GET /api/v1/org-units": .action(.viewOrgUnits), "POST /api/v1/org-units": .action(.manageOrgUnits),
        "GET /api/v1/org-units/:id": .action(.viewOrgUnits), "PATCH /api/v1/org-units/:id": .action(.manageOrgUnits),
        "POST /api/v1/org-units/:id/archive": .action(.manageOrgUnits),
        "GET /api/v1/org-units/:id/audit": .action(.viewAudit),
        "GET /api/v1/customers": .action(.viewCustomers), "POST /api/v1/customers": .action(.manageCustomers),
        "GET /api/v1/customers/:id": .action(.viewCustomers), "PATCH /api/v1/customers/:id": .action(.manageCustomers),
        "POST /api/v1/customers/:id/archive": .action(.manageCustomers),
        "GET /api/v1/customers/:id/audit": .action(.viewAudit),
        "GET /api/v1/customers/export.csv": .action(.exportArchive),
        "GET /api/v1/customers/:id/history": .action(.viewRequests),
        "GET /api/v1/product-lines": .action(.viewCatalogue), "POST /api/v1/product-lines": .action(.manageCatalogue),
        "GET /api/v1/product-lines/:id": .action(.viewCatalogue),
        "PATCH /api/v1/product-lines/:id": .action(.manageCatalogue),
        "POST /api/v1/product-lines/:id/archive": .action(.manageCatalogue),
        "GET /api/v1/product-lines/:id/audit": .action(.viewAudit),
        "GET /api/v1/product-models": .action(.viewCatalogue), "POST /api/v1/product-models": .action(.manageCatalogue),
        "GET /api/v1/product-models/:id": .action(.viewCatalogue),
        "PATCH /api/v1/product-models/:id": .action(.manageCatalogue),
        "POST /api/v1/product-models/:id/archive": .action(.manageCatalogue),
        "GET /api/v1/product-models/:id/audit": .action(.viewAudit),
        "GET /api/v1/projects": .action(.viewInstalledBase), "POST /api/v1/projects": .action(.manageInstalledBase),
        "GET /api/v1/projects/:id": .action(.viewInstalledBase),
        "PATCH /api/v1/projects/:id": .action(.manageInstalledBase),
        "POST /api/v1/projects/:id/archive": .action(.manageInstalledBase),
        "GET /api/v1/projects/:id/audit": .action(.viewAudit),
        "GET /api/v1/units": .action(.viewInstalledBase), "POST /api/v1/units": .action(.manageInstalledBase),
        "GET /api/v1/units/:id": .action(.viewInstalledBase), "PATCH /api/v1/units/:id": .action(.manageInstalledBase),
        "POST /api/v1/units/:id/archive": .action(.manageInstalledBase),
        "GET /api/v1/units/:id/audit": .action(.viewAudit),
        "GET /api/v1/units/export.csv": .action(.exportArchive),
        "GET /api/v1/units/:id/history": .action(.viewRequests),
        "GET /api/v1/units/:id/warranty": .action(.viewInstalledBase),
        // JSON API: service requests
        "GET /api/v1/service-requests": .action(.viewRequests),
        "POST /api/v1/service-requests": .action(.registerRequests),
        "GET /api/v1/service-requests/export.csv": .action(.exportArchive),
        "GET /api/v1/service-requests/:id": .action(.viewRequests),
        "PATCH /api/v1/service-requests/:id": .action(.editRequests),
        "POST /api/v1/service-requests/:id/events": .action(.viewRequests),
        "POST /api/v1/service-requests/:id/archive": .action(.archiveRequests),
        "GET /api/v1/service-requests/:id/audit": .action(.viewAudit),
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
    }

    @Test("no route of the router is missing from the matrix, and each declares what the matrix expects")
    func complete() async throws {
        try await withTestApp(.sqlite) { app in
            let routes = app.routes.all
            let keys = Set(routes.map(Self.key))
            #expect(keys.subtracting(Self.matrix.keys).sorted() == [], "routes missing from the matrix")
            #expect(Set(Self.matrix.keys).subtracting(keys).sorted() == [], "matrix rows the router does not have")
            for route in routes {
                let declared: Expect? =
                    switch route.access {
                    case .open: .open
                    case .signedIn: .signedIn
                    case .action(let action): .action(action)
                    case nil: nil
                    }
                #expect(declared == Self.matrix[Self.key(route)], "\(Self.key(route))")
            }
        }
    }

    @Test(
        "every route × every role: denied roles get 403 and nothing else does; nobody signed in gets 401 or the sign-in page"
    )
    func everyRoleEveryRoute() async throws {
        try await withTestApp(.sqlite) { app in
            // given: one user (and token) per role at a root unit, and a customer for the customer role
            let fixture = try await Fixture.make(app.store)
            var tokens: [Role: String] = [:]
            for role in Role.allCases {
                let customer = role == .customer ? fixture.customer.id : nil
                tokens[role] = try await makeUser(
                    app, "m-\(role.rawValue)", roles: [role], unit: fixture.headquarters.id, customer: customer
                ).token
            }
            for route in app.routes.all {
                let key = Self.key(route)
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return "999999" }
                        return component.description
                    }.joined(separator: "/")
                guard let expected = Self.matrix[key] else { continue }
                // when nobody is signed in
                let anonymous = try await app.testing().sendRequest(route.method, path) { request in
                    request.headers.contentType = .json
                    request.headers.add(name: "X-CSRF-Token", value: "none")
                    request.body = ByteBuffer(string: "{}")
                }
                if expected != .open {
                    let refused =
                        anonymous.status == .unauthorized
                        || (anonymous.status == .seeOther
                            && anonymous.headers.first(name: .location)?.hasPrefix("/login") == true)
                    #expect(refused, "\(key) anonymously answered \(anonymous.status.code)")
                }
                // when each role calls it
                for role in Role.allCases {
                    let response = try await app.api(route.method, path, token: tokens[role]!) { request in
                        request.headers.contentType = .json
                        request.body = ByteBuffer(string: "{}")
                    }
                    let allowed: Bool =
                        switch expected {
                        case .open, .signedIn: true
                        case .action(let action): Permissions.allows([role], action)
                        }
                    if allowed {
                        // (an open route may still answer 401 to bad credentials: POST /login)
                        #expect(response.status != .forbidden, "\(key) as \(role.rawValue): \(response.status.code)")
                        if expected != .open {
                            #expect(response.status != .unauthorized, "\(key) as \(role.rawValue)")
                        }
                    } else {
                        #expect(response.status == .forbidden, "\(key) as \(role.rawValue): \(response.status.code)")
                    }
                }
            }
        }
    }
}
