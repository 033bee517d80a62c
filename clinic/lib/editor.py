"""The Markdown editor's assets, for every admin form with a Markdown field."""


class EditorMedia:
    css = {"all": ["css/editor.css"]}
    js = ["js/editor.js"]
