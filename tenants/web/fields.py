"""Form fields shared by the program site's pages."""

from django import forms


class TextBoxField(forms.CharField):
    """Words in a text box, their limit checked by the form, never by the browser.

    A browser cuts pasted text at a box's `maxlength` without a word, and the person loses the
    end of what they wrote. So the box gets no `maxlength`: too long, the form says so ("at most
    N characters, it has M") and the box keeps every character to shorten.
    """

    widget = forms.Textarea

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
