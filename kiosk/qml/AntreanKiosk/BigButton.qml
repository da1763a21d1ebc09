import QtQuick

// A large rounded touch button.
Rectangle {
    id: button

    property alias text: label.text
    property real u: 10
    property color tint: Theme.header
    property bool filled: true
    property real textSize: 3 * u
    readonly property alias pressed: area.pressed
    signal clicked()

    implicitWidth: Math.max(label.implicitWidth + 6 * u, 22 * u)
    implicitHeight: 7 * u
    radius: u
    color: filled ? (area.pressed ? Qt.darker(tint, 1.25) : tint) : (area.pressed ? Theme.closed : Theme.card)
    opacity: enabled ? 1.0 : 0.4
    border.color: tint
    border.width: Math.max(2, u / 4)

    Text {
        textFormat: Text.PlainText
        id: label
        anchors.fill: parent
        anchors.margins: button.u / 2
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        font.pixelSize: button.textSize
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 10
        color: button.filled ? "white" : button.tint
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: button.clicked()
    }
}
