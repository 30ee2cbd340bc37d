"""Not built yet: shows the honest placeholder (replace with the real page)."""

from dxdesk.ui.pages.placeholder import PlaceholderPage

NOT_BUILT = True


class CounterPage(PlaceholderPage):
    def __init__(self, ctx, title: str, parent=None):
        super().__init__(ctx, title, parent)
