pragma Singleton
import QtQuick

// Colours and fonts of the hall board: high contrast, readable from the back of a tent.
QtObject {
    readonly property color bg: "#0a1a33"
    readonly property color panel: "#12284d"
    readonly property color panelLine: "#28477a"
    readonly property color text: "#ffffff"
    readonly property color dim: "#b8c7e0"
    readonly property color accent: "#ffc21a"
    readonly property color accentText: "#0a1a33"
    readonly property color alert: "#c62828"
    readonly property color closed: "#7d8aa3"
    readonly property string font: "DejaVu Sans"
    readonly property string narrow: "DejaVu Sans Condensed"
}
