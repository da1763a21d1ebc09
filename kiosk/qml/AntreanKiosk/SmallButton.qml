import QtQuick

// A secondary button of the start screen (rating, complaint): outlined, smaller than a tile,
// still a comfortable touch target. `face` puts a small smiling face before the words.
Rectangle {
    id: button

    property real u: 10
    property string text: ""
    property bool face: false
    signal clicked()

    implicitWidth: row.implicitWidth + 3 * u
    implicitHeight: 4.8 * u
    radius: 0.8 * u
    color: area.pressed ? Theme.closed : Theme.card
    border.color: Theme.header
    border.width: Math.max(2, 0.25 * u)

    Row {
        id: row
        anchors.centerIn: parent
        spacing: button.u

        Face {
            visible: button.face
            anchors.verticalCenter: parent.verticalCenter
            rating: 4
            width: 3 * button.u
            height: width
        }
        Text {
            textFormat: Text.PlainText
            anchors.verticalCenter: parent.verticalCenter
            text: button.text
            color: Theme.header
            font.pixelSize: 2.2 * button.u
            font.bold: true
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: button.clicked()
    }
}
