Attribute VB_Name = "FS_Ribbon"
' Ribbon callbacks of the Första Steget add-in: each button runs one function of xlpy.excel.actions.
' Errors are turned into Swedish messages on the Python side, so nothing here needs error handling.
Option Explicit

Sub FS_Recalculate(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.recalculate()"
End Sub

Sub FS_CheckData(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.check_data()"
End Sub

Sub FS_CreateReport(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.create_report()"
End Sub

Sub FS_Consolidate(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.consolidate()"
End Sub

Sub FS_NewWorkbook(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.new_workbook()"
End Sub

Sub FS_About(control As IRibbonControl)
    RunPython "import xlpy.excel.actions as a; a.about()"
End Sub
