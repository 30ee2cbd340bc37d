"""The widgets the Báo cáo page is composed of, one a file:

    period_bar.PeriodBar        the period (the one PeriodPicker), its dates, and a province's unit
    report_form.ReportForm      report kind, date, number, the clerk's texts, signer, print / save / copy, progress
    preview_pane.PreviewPane    page 1 of the report as it will print
    dashboard_tab.DashboardTab  four charts and "copy the image"
    signer_dialog.SignerDialog  issuing body, signer and recipients
    worker.report_job           counting and rendering off the UI thread (a background Job)

The page (`dxdesk.ui.pages.reports.ReportsPage`) puts them in tabs and holds what printing and saving do; the
report's content and number come from the core (`dxdesk.tally_report`)."""
