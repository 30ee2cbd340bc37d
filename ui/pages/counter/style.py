"""Colours and labels shared by the counter page's widgets."""

from dxdesk.i18n import N_

GREEN, AMBER, RED = "#1b7a2f", "#9a6200", "#b00020"
AGE_LABELS = (("", N_("Age: —")), ("u18", N_("Under 18")), ("18-34", "18–34"), ("35-59", "35–59"),
              ("60+", N_("60 and over")))
SEX_LABELS = (("", N_("Sex: —")), ("F", N_("Female")), ("M", N_("Male")))
KIND_LABELS = {"counter": N_("Counter shift"), "outreach": N_("Outreach shift"), "home": N_("Home-visit shift")}
