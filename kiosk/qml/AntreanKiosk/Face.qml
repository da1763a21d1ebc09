import QtQuick

// A face of the satisfaction rating, drawn (no image files, no emoji font needed): a filled
// circle in the rating's colour with white eyes and mouth, from a broad smile (4, Sangat puas)
// to a sad frown (1, Tidak puas).
Canvas {
    id: face

    property int rating: 4
    property color fill: Theme.faceColor(rating)

    onRatingChanged: requestPaint()
    onFillChanged: requestPaint()
    onWidthChanged: requestPaint()
    onHeightChanged: requestPaint()

    onPaint: {
        var c = getContext("2d")
        var s = Math.min(width, height)
        var ox = (width - s) / 2, oy = (height - s) / 2
        function X(v) { return ox + v * s }
        function Y(v) { return oy + v * s }
        c.reset()
        c.fillStyle = face.fill
        c.beginPath(); c.arc(X(0.5), Y(0.5), 0.48 * s, 0, 2 * Math.PI); c.fill()
        c.fillStyle = "white"
        c.strokeStyle = "white"
        c.lineCap = "round"
        c.lineWidth = 0.075 * s
        c.beginPath(); c.arc(X(0.34), Y(0.40), 0.065 * s, 0, 2 * Math.PI); c.fill()
        c.beginPath(); c.arc(X(0.66), Y(0.40), 0.065 * s, 0, 2 * Math.PI); c.fill()
        // The mouth: a curve whose bend says the mood (down is a smile). Sad, not angry.
        var bend = ({ 4: 0.24, 3: 0.11, 2: -0.08, 1: -0.16 })[face.rating] || 0
        var y = bend >= 0 ? 0.62 : 0.74
        var half = face.rating === 4 ? 0.22 : 0.18
        c.beginPath()
        c.moveTo(X(0.5 - half), Y(y))
        c.quadraticCurveTo(X(0.5), Y(y + 2 * bend), X(0.5 + half), Y(y))
        c.stroke()
    }
}
