import QtQuick

// A large rounded touch button.
Rectangle {
    id: button

    property alias text: label.text
    property real u: 10
    property color tint: Theme.header
    property bool filled: true
    readonly property alias pressed: area.pressed
    signal clicked()

    implicitWidth: Math.max(label.implicitWidth + 6 * u, 22 * u)
    implicitHeight: 7 * u
    radius: u
    color: filled ? (area.pressed ? Qt.darker(tint, 1.25) : tint) : (area.pressed ? Theme.closed : Theme.card)
    border.color: tint
    border.width: Math.max(2, u / 4)

    Text {
        id: label
        anchors.fill: parent
        anchors.margins: button.u / 2
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        font.pixelSize: 3 * button.u
        font.bold: true
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
