import QtQuick

// Colours and sizes in one place. ``u`` scales everything to the window (1.0 at 1280×800).
QtObject {
    property real u: 1.0
    readonly property string font: "DejaVu Sans"
    readonly property color bg: "#e9edf2"
    readonly property color card: "#ffffff"
    readonly property color ink: "#14202e"
    readonly property color muted: "#586577"
    readonly property color bar: "#14304f"
    readonly property color next: "#157a3c"
    readonly property color recall: "#1f5fa8"
    readonly property color noShow: "#b3541e"
    readonly property color finish: "#0f766e"
    readonly property color transfer: "#6b3fa0"
    readonly property color pause: "#4b5563"
    readonly property color danger: "#b91c1c"
    readonly property color warn: "#f2b01e"
    readonly property color ok: "#16a34a"
    readonly property color disabled: "#9aa5b1"

    // A font size for design size ``n`` (at 1280×800): scaled with the window, but
    // never below 14 px so small screens (7" 1024×600) stay readable.
    function f(n) { return Math.round(Math.max(14, n * u)) }
}
