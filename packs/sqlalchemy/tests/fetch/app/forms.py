# A fetch-named helper whose result is a class, then used as a base class: the argument list of
# the bases is no call, and the analysis of where the result goes must not stop there.


def get_form_class(model_class):
    return type(model_class.__name__ + "Form", (object,), {})


def get_edit_form(model_class):
    # ppa-ok: query.redundant_fetch
    BaseForm = get_form_class(model_class)

    class EditForm(BaseForm):
        class Meta(BaseForm.Meta):
            model = model_class

    return EditForm
