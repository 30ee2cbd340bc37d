"""The widgets the counter page (Quầy tiếp dân) is composed of, one a file, top to bottom and left to right:

    duty_bar.DutyBar            the shift now, who is on duty, check-in, today's and this week's totals
    service_grid.ServiceGrid    one big toggle button per service (keys 1–9, F1–F12)
    details_form.DetailsForm    outcome, age band, sex, note, the call-back contact with consent
    action_bar.ActionBar        quick mode, campaign entry, clear / undo / save
    status_line.StatusLine      the quiet confirmation line and quick mode's countdown bar
    today_panel.TodayPanel      today's entries (kept-offline ones first), correct / void
    progress_panel.ProgressPanel  counts and targets per indicator

The page (`dxdesk.ui.pages.counter.CounterPage`) puts them together and holds the behaviour: what a key, a save,
an undo does. The widgets hold no database: they show what the page hands them."""
