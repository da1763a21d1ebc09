import QtQuick

// A full-area layer that swallows every touch, so nothing under it can be pressed.
Rectangle {
    id: overlay
    color: Theme.bg

    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.AllButtons
        onWheel: (wheel) => { wheel.accepted = true }
    }
}
