import QtQuick

// Universal pictograms drawn as strokes (no image files, no font that might lack them):
// "disabled" is the International Symbol of Access, "elderly" a stooped figure with a cane,
// "pregnant" a standing figure with a rounded belly.
Canvas {
    id: icon

    property string kind: "elderly"
    property color color: "black"

    onColorChanged: requestPaint()
    onKindChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()

    onPaint: {
        var c = getContext("2d")
        var s = Math.min(width, height)
        c.reset()
        c.strokeStyle = icon.color
        c.fillStyle = icon.color
        c.lineWidth = s * 0.09
        c.lineCap = "round"
        c.lineJoin = "round"
        function head(x, y, r) { c.beginPath(); c.arc(x * s, y * s, r * s, 0, 2 * Math.PI); c.fill() }
        function line(pts) {
            c.beginPath()
            c.moveTo(pts[0] * s, pts[1] * s)
            for (var i = 2; i < pts.length; i += 2) c.lineTo(pts[i] * s, pts[i + 1] * s)
            c.stroke()
        }
        if (kind === "disabled") {
            head(0.44, 0.12, 0.09)
            line([0.42, 0.28, 0.44, 0.56, 0.70, 0.56, 0.80, 0.86, 0.90, 0.84])
            line([0.43, 0.38, 0.64, 0.38])
            c.beginPath()
            c.arc(0.42 * s, 0.68 * s, 0.25 * s, -0.55 * Math.PI, 0.2 * Math.PI, true)
            c.stroke()
        } else if (kind === "pregnant") {
            head(0.50, 0.12, 0.09)
            line([0.48, 0.28, 0.46, 0.62, 0.44, 0.94])
            line([0.50, 0.62, 0.54, 0.94])
            c.beginPath()
            c.moveTo(0.50 * s, 0.34 * s)
            c.quadraticCurveTo(0.78 * s, 0.46 * s, 0.50 * s, 0.62 * s)
            c.stroke()
        } else {
            head(0.42, 0.13, 0.09)
            c.beginPath()  // a stooped back
            c.moveTo(0.40 * s, 0.28 * s)
            c.quadraticCurveTo(0.30 * s, 0.42 * s, 0.40 * s, 0.60 * s)
            c.stroke()
            line([0.40, 0.60, 0.30, 0.94])
            line([0.40, 0.60, 0.52, 0.94])
            line([0.38, 0.36, 0.66, 0.50])
            line([0.68, 0.46, 0.72, 0.94])
            c.beginPath()  // the cane's handle
            c.arc(0.62 * s, 0.46 * s, 0.06 * s, 0, Math.PI, true)
            c.stroke()
        }
    }
}
